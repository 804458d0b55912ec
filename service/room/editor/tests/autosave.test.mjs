// The autosave's behaviour with a fake form, timers and server (node has no DOM): every field
// sent, debounced, flushed by a beacon on leaving (not after a save), offline said, presence
// and status lines updated from the answer, pings carrying no text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DELAY, EXPIRED, OFFLINE, PING, formFields, startAutosave } from "../src/autosave.js";

function fakeTarget() {
  const handlers = {};
  return {
    handlers,
    addEventListener(type, f) {
      (handlers[type] = handlers[type] || []).push(f);
    },
    fire(type) {
      for (const f of handlers[type] || []) f({ type });
    },
  };
}

function setup(reply) {
  const elements = [
    { name: "csrf", type: "hidden", value: "jeton" },
    { name: "titre", type: "text", value: "Un titre" },
    { name: "theme", type: "select-one", value: "Solidarité" },
    { name: "intervenant-1-nom", type: "text", value: "Awa Diallo" },
    { name: "intervenant-1-role", type: "text", value: "animatrice" },
    { name: "commentaires_fermes", type: "checkbox", value: "1", checked: true },
    { name: "choix", type: "radio", value: "non", checked: false },
    { name: "intervenant-1-portrait-fichier", type: "file", value: "C:\\photo.jpg" },
    { name: "action", type: "submit", value: "enregistrer" },
    { name: "texte", type: "textarea", value: "## Question ?" },
  ];
  const form = Object.assign(fakeTarget(), {
    elements,
    getAttribute: (name) => (name === "data-brouillon" ? "/redaction/articles/a/brouillon" : null),
  });
  const status = { textContent: "" };
  const presence = { textContent: "" };
  const doc = Object.assign(fakeTarget(), {
    visibilityState: "visible",
    getElementById: (id) => ({ "brouillon-etat": status, presence })[id],
  });
  const timers = [];
  const env = {
    posts: [],
    beacons: [],
    post(url, body) {
      env.posts.push(body.toString());
      return reply();
    },
    beacon(url, body) {
      env.beacons.push(body.toString());
      return true;
    },
    setTimeout: (f, ms) => timers.push({ f, ms, live: true }) - 1,
    clearTimeout: (t) => t != null && (timers[t].live = false),
    setInterval: (f, ms) => timers.push({ f, ms, live: true, every: true }) - 1,
    win: fakeTarget(),
    doc,
  };
  const run = (ms) => timers.filter((t) => t.live && t.ms === ms).map((t) => t.f());
  return { form, env, status, presence, run, elements, auto: startAutosave(form, env) };
}

const ok = (data) => async () => ({ ok: true, status: 200, json: async () => data });

test("every field a person fills is sent, files and buttons aside", () => {
  const { form } = setup(ok({}));
  assert.deepEqual(formFields(form).map(([name]) => name), [
    "csrf", "titre", "theme", "intervenant-1-nom", "intervenant-1-role",
    "commentaires_fermes", "texte",
  ]);
});

test("typing is sent once, 2 s after the last input, and the answer shown", async () => {
  const message = "Brouillon enregistré à 10 h 02 min 15 s";
  const s = setup(ok({ message, presence: "Élodie modifie cet article depuis 10 h 02" }));
  s.form.fire("input");
  s.form.fire("input");
  assert.equal(s.env.posts.length, 0);
  await Promise.all(s.run(DELAY));
  assert.equal(s.env.posts.length, 1);
  assert.match(s.env.posts[0], /titre=Un\+titre/);
  assert.match(s.env.posts[0], /intervenant-1-role=animatrice/);
  assert.equal(s.status.textContent, message);
  assert.equal(s.presence.textContent, "Élodie modifie cet article depuis 10 h 02");
});

test("leaving the page sends what was not yet sent by a beacon, never after a save", () => {
  const s = setup(ok({}));
  s.form.fire("input");
  s.env.win.fire("pagehide");
  assert.equal(s.env.beacons.length, 1);
  assert.match(s.env.beacons[0], /texte=/);
  s.env.win.fire("pagehide");
  assert.equal(s.env.beacons.length, 1); // nothing new
  s.form.fire("input");
  s.form.fire("submit");
  s.env.doc.visibilityState = "hidden";
  s.env.doc.fire("visibilitychange");
  assert.equal(s.env.beacons.length, 1);
});

test("offline, the status says the browser keeps it, and it is tried again", async () => {
  const s = setup(() => Promise.reject(new TypeError("Failed to fetch")));
  s.form.fire("input");
  await Promise.all(s.run(DELAY));
  assert.equal(s.status.textContent, OFFLINE);
  await s.auto.ping(); // still unsent: the ping sends the fields again
  assert.match(s.env.posts[1], /titre=/);
});

test("a ping sends no text, only the token and the mark", async () => {
  const s = setup(ok({ presence: "" }));
  await Promise.all(s.run(PING));
  assert.deepEqual(s.env.posts, ["csrf=jeton&ping=1"]);
});

test("a refusal (too long) is said with the server's words", async () => {
  const erreur = "Texte trop long pour le brouillon automatique";
  const s = setup(async () => ({ ok: false, status: 413, json: async () => ({ erreur }) }));
  s.form.fire("input");
  await Promise.all(s.run(DELAY));
  assert.equal(s.status.textContent, erreur);
});

test("an ended session (the login page, not JSON) is said, and sent again later", async () => {
  const login = async () => ({ ok: true, status: 200, json: async () => JSON.parse("<!doctype") });
  const s = setup(login);
  s.form.fire("input");
  await Promise.all(s.run(DELAY));
  assert.equal(s.status.textContent, EXPIRED);
  await s.auto.ping();
  assert.match(s.env.posts[1], /texte=/);
});
