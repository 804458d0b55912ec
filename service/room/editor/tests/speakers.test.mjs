// Who may answer: the names typed in the form (as they are now), then those already answering
// in the text (« G. L. » in a launch interview), each once, empty lines left out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { schema } from "../src/schema.js";
import { speakerNames } from "../src/speakers.js";

test("the form's names come first, then the text's, each once", () => {
  const inputs = [{ value: " Awa Diallo " }, { value: "" }, { value: "Bruno Petit" }];
  const form = { querySelectorAll: () => inputs };
  const { doc, paragraph } = schema.nodes;
  const text = doc.create(null, [
    paragraph.create({ speaker: "G. L." }, schema.text("Oui.")),
    paragraph.create({ speaker: "Awa Diallo" }, schema.text("Non.")),
  ]);
  assert.deepEqual(speakerNames(form, text), ["Awa Diallo", "Bruno Petit", "G. L."]);
  inputs.push({ value: "Chloé Roux" }); // typed a second ago: offered at once
  assert.deepEqual(speakerNames(form, text), ["Awa Diallo", "Bruno Petit", "Chloé Roux", "G. L."]);
});
