// The live preview's pure parts: which fields are posted, and what the status says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { UP_TO_DATE, describe, liveFields } from "../src/preview.js";

test("liveFields keeps the article's fields and drops files and the block helpers", () => {
  const file = { name: "photo.jpg" }; // what FormData gives for a file input
  const sent = liveFields([
    ["csrf", "abc"],
    ["titre", "Un titre"],
    ["texte", "Du texte"],
    ["intervenant-1-portrait-fichier", file],
    ["bloc", "question"],
    ["bloc_texte", "Une question ?"],
    ["image_alt", "Une photo"],
    ["action", "enregistrer"],
    ["curseur", "12"],
  ]);
  assert.deepEqual([...sent.keys()], ["csrf", "titre", "texte"]);
});

test("describe says up to date, or the build's problems, fields first", () => {
  assert.equal(describe({ ok: true, url: "/x/" }), UP_TO_DATE);
  const text = describe({
    ok: false,
    problemes: { "intervenant-1-portrait": "portrait trop petit" },
    general: ["autre fichier : souci"],
  });
  assert.equal(text, "Aperçu non mis à jour : portrait trop petit ; autre fichier : souci");
  assert.equal(describe({ ok: false, message: "La page a expiré." }), "La page a expiré.");
  assert.match(describe({ ok: false }), /indisponible/);
});
