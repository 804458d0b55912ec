// The picker's words: the text alternative and « Légende © Crédit » as the server writes them
// (blocks.image_words), and what a failed upload tells the person.
import { test } from "node:test";
import assert from "node:assert/strict";
import { failureMessage, imageWords } from "../src/images.js";

test("image words are one line each and cannot close the Markdown", () => {
  assert.deepEqual(imageWords("  Des enfants\n[qui]  dansent ", "La fête\nà Évry ©", "© Caf de l’Essonne"), {
    alt: "Des enfants (qui) dansent",
    title: "La fête à Évry © Caf de l’Essonne",
  });
  assert.deepEqual(imageWords("Un \"mot\"", 'Dit "bonjour"', ""), { alt: 'Un "mot"', title: "Dit ”bonjour”" });
  assert.deepEqual(imageWords("Seule", "", "Ville"), { alt: "Seule", title: "© Ville" });
  assert.deepEqual(imageWords("Seule"), { alt: "Seule", title: "" });
});

test("a refused upload that is not the picker's answer is explained in French", () => {
  assert.match(failureMessage(403, false), /^Le formulaire a expiré/);
  assert.match(failureMessage(413, false), /trop lourde/);
  assert.match(failureMessage(200, true), /session a pris fin/);
  assert.match(failureMessage(502, false), /erreur 502/);
  for (const status of [403, 413, 500]) assert.match(failureMessage(status, false), /réessayez/);
});
