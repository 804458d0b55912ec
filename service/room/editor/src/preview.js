// The live preview beside the editor: a moment after each keystroke the form's fields are
// posted to the room (pages/live.py builds them unsaved, as they would be published) and the
// sandboxed frame reloads with the result, at the same scroll position. Beside the form on
// wide screens; behind an « Aperçu en direct » disclosure button on narrow ones, where it
// builds nothing while closed. Nothing is saved or published by it.

const WIDE = "(min-width: 64rem)";
export const DEBOUNCE_MS = 150;
export const UP_TO_DATE = "Aperçu à jour";
const UNREACHABLE =
  "Aperçu en direct indisponible pour le moment (connexion au serveur perdue ?) : votre " +
  "texte est toujours là ; enregistrez-le.";

const ENDED =
  "Aperçu en direct arrêté : votre session a pris fin. Enregistrez : vous pourrez vous " +
  "reconnecter sans rien perdre.";

// The fields worth a build: not the files (sent with « Enregistrer » only) nor the helpers
// of « Ajouter au texte » and the page's own marks.
const SKIPPED = /^(bloc|image|action$|curseur$|envoi$)/;

export function liveFields(entries) {
  const fields = new URLSearchParams();
  for (const [name, value] of entries) {
    if (typeof value === "string" && !SKIPPED.test(name)) fields.append(name, value);
  }
  return fields;
}

// The French words of a build's answer: « Aperçu à jour », or its problems, field first.
export function describe(answer) {
  if (answer.ok) return UP_TO_DATE;
  const problems = [...Object.values(answer.problemes || {}), ...(answer.general || [])];
  if (problems.length) return `Aperçu non mis à jour : ${problems.join(" ; ")}`;
  return answer.message || UNREACHABLE;
}

export function startLivePreview(form) {
  const pane = document.getElementById("apercu-direct");
  if (!form || !pane || !pane.dataset.url || !window.fetch) return null;
  const toggle = pane.querySelector("button[aria-controls]");
  const body = document.getElementById(toggle.getAttribute("aria-controls"));
  const frame = body.querySelector("iframe");
  const status = pane.querySelector("[role=status]");
  const wide = window.matchMedia(WIDE);
  let timer = 0;
  let sent = 0; // the number of the latest request; older answers are ignored
  let shown = 0; // the request whose build the frame shows
  let stale = true; // the form changed since the frame's build was asked for
  let scroll = null;

  const open = () => wide.matches || toggle.getAttribute("aria-expanded") === "true";
  const say = (text) => {
    if (status.textContent !== text) status.textContent = text;
  };

  frame.addEventListener("load", () => {
    const view = frame.contentWindow;
    if (scroll && view) view.scrollTo(scroll.x, scroll.y);
    body.removeAttribute("aria-busy");
  });

  function show(url) {
    const view = frame.contentWindow;
    try {
      if (view && view.location.href !== "about:blank") {
        scroll = { x: view.scrollX, y: view.scrollY };
        view.location.replace(url); // no entry in the tab's history per keystroke
        return;
      }
    } catch (error) {
      // not this origin's page: start afresh
    }
    frame.src = url;
  }

  async function build() {
    if (!open()) return;
    stale = false;
    const number = ++sent;
    body.setAttribute("aria-busy", "true");
    let answer;
    try {
      const response = await fetch(pane.dataset.url, {
        method: "POST",
        body: liveFields(new FormData(form)),
        credentials: "same-origin",
        redirect: "manual", // an ended session: the login page is no answer
      });
      answer = response.type === "opaqueredirect" ? { ok: false, message: ENDED } : await response.json();
    } catch (error) {
      answer = { ok: false };
    }
    if (number !== sent || answer.remplace) return; // a newer request answers
    if (answer.ok && number > shown) {
      shown = number;
      show(answer.url);
    } else {
      body.removeAttribute("aria-busy");
    }
    say(describe(answer));
  }

  function later() {
    stale = true;
    clearTimeout(timer);
    timer = setTimeout(build, DEBOUNCE_MS);
  }

  function layout() {
    pane.classList.toggle("live-preview--wide", wide.matches);
    body.hidden = !open();
    if (open() && stale) build();
  }

  toggle.addEventListener("click", () => {
    const expanded = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!expanded));
    layout();
  });
  form.addEventListener("input", later);
  wide.addEventListener("change", layout);
  pane.hidden = false;
  document.querySelector(".editor-columns")?.classList.add("editor-columns--live");
  layout();
  return { build };
}
