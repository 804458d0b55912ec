// Nothing typed lost: every field of the editor form kept on the server while typing (2 s
// after the last input) and at once when the page is left or hidden (sendBeacon, else a
// keepalive fetch); a ping every 30 s says the page is still open. Each answer says when the
// draft was kept and who else is editing (room/pages/drafts.py). Offline, the page's own
// script (redaction.js) still keeps the form in this browser, and the status says so.
// It only reads `form.elements`: the visual editor keeps « Texte » filled and fires `input`.

export const DELAY = 2000;
export const PING = 30000;
export const OFFLINE = "Hors ligne : gardé dans ce navigateur";
export const EXPIRED =
  "Brouillon non gardé sur le serveur (session ou page expirée) : gardé dans ce navigateur";

// The form's fields as a browser would send them, files and buttons aside.
export function formFields(form) {
  const fields = [];
  for (const element of Array.from(form.elements)) {
    const type = (element.type || "").toLowerCase();
    if (!element.name || element.disabled) continue;
    if (["file", "submit", "button", "reset", "image"].includes(type)) continue;
    if ((type === "checkbox" || type === "radio") && !element.checked) continue;
    fields.push([element.name, element.value]);
  }
  return fields;
}

function browser() {
  return {
    post: (url, body, keepalive) =>
      fetch(url, { method: "POST", body, credentials: "same-origin", keepalive: !!keepalive }),
    beacon: (url, body) => (navigator.sendBeacon ? navigator.sendBeacon(url, body) : false),
    setTimeout: (f, ms) => setTimeout(f, ms),
    clearTimeout: (t) => clearTimeout(t),
    setInterval: (f, ms) => setInterval(f, ms),
    win: window,
    doc: document,
  };
}

export function startAutosave(form, env = browser()) {
  const url = form.getAttribute("data-brouillon");
  if (!url) return null;
  const status = env.doc.getElementById("brouillon-etat");
  const presence = env.doc.getElementById("presence");
  let timer = null;
  let dirty = false;
  let submitted = false;

  function body(ping) {
    const params = new URLSearchParams();
    for (const [name, value] of formFields(form)) {
      if (!ping || name === "csrf" || name === "cle") params.append(name, value);
    }
    if (ping) params.append("ping", "1");
    return params;
  }
  function say(element, text) {
    if (element && element.textContent !== text) element.textContent = text;
  }
  async function answer(response) {
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null; // not ours: the login page after a session ended
    }
    if (response.ok && data) {
      if (data.message) say(status, data.message);
      say(presence, data.presence || "");
      return;
    }
    dirty = true; // kept in this browser; tried again at the next input or ping
    say(status, (data && data.erreur) || EXPIRED);
  }
  function send(ping) {
    const sent = body(ping);
    if (!ping) dirty = false;
    return env.post(url, sent).then(answer, () => {
      if (!ping) dirty = true;
      say(status, OFFLINE);
    });
  }
  function save() {
    env.clearTimeout(timer);
    timer = null;
    if (dirty && !submitted) return send(false);
    return Promise.resolve();
  }
  function flush() {
    if (!dirty || submitted) return;
    env.clearTimeout(timer);
    timer = null;
    const sent = body(false);
    dirty = false;
    if (!env.beacon(url, sent)) env.post(url, sent, true).catch(() => {});
  }
  function ping() {
    return dirty ? save() : send(true);
  }
  function changed() {
    dirty = true;
    env.clearTimeout(timer);
    timer = env.setTimeout(save, DELAY);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => {
    submitted = true; // the save itself ends the autosave (a beacon now would bring it back)
    env.clearTimeout(timer);
  });
  env.win.addEventListener("pagehide", flush);
  env.doc.addEventListener("visibilitychange", () => {
    if (env.doc.visibilityState === "hidden") flush();
  });
  env.setInterval(ping, PING);
  return { save, flush, ping };
}
