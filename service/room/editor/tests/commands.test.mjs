// The block commands on documents built from the schema (no DOM): moving keeps each place's
// blank lines, converting takes a paragraph out of its list, deleting the only block leaves an
// empty paragraph, a link is put on the words or inserted with them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EditorState, TextSelection } from "prosemirror-state";
import { schema } from "../src/schema.js";
import {
  deleteBlock, linkAt, moveBlock, setLink, toOrderedList, toQuestion, toAnswer,
} from "../src/commands.js";

const { doc, paragraph: p, heading, bullet_list, list_item } = schema.nodes;
const text = (words, marks) => schema.text(words, marks);

function state(blocks, at) {
  const made = doc.create(null, blocks);
  return EditorState.create({ doc: made, selection: TextSelection.create(made, at) });
}

function run(command, before) {
  let after = null;
  const done = command(before, (tr) => { after = before.apply(tr); });
  return { done, after };
}

test("a block moved up swaps with the one before, each place keeping its blank lines", () => {
  const blocks = [
    p.create({ md: "Un", sep: "\n\n" }, text("Un")),
    p.create({ md: "Deux", sep: "\n\n\n" }, text("Deux")),
  ];
  const { done, after } = run(moveBlock(-1), state(blocks, 6));
  assert.ok(done);
  assert.deepEqual(after.doc.content.content.map((b) => [b.textContent, b.attrs.sep, b.attrs.md]),
    [["Deux", "\n\n", "Deux"], ["Un", "\n\n\n", "Un"]]);
  assert.equal(after.selection.$from.parent.textContent, "Deux");
  assert.equal(run(moveBlock(-1), after).done, false);
});

test("deleting the only block leaves an empty paragraph", () => {
  const { after } = run(deleteBlock, state([heading.create(null, text("Seul"))], 2));
  assert.equal(after.doc.childCount, 1);
  assert.equal(after.doc.firstChild.type, p);
  assert.equal(after.doc.firstChild.content.size, 0);
});

test("a list's item made a question leaves the list", () => {
  const list = bullet_list.create(null, [
    list_item.create(null, p.create(null, text("Un point"))),
  ]);
  const { done, after } = run(toQuestion, state([list], 3));
  assert.ok(done);
  assert.equal(after.doc.firstChild.type, heading);
  assert.equal(after.doc.firstChild.textContent, "Un point");
});

test("a bulleted list made numbered keeps its items", () => {
  const list = bullet_list.create({ sep: "\n\n" }, [
    list_item.create(null, p.create(null, text("a"))),
    list_item.create(null, p.create(null, text("b"))),
  ]);
  const { after } = run(toOrderedList, state([list], 3));
  assert.equal(after.doc.firstChild.type.name, "ordered_list");
  assert.equal(after.doc.firstChild.childCount, 2);
});

test("an answer keeps the paragraph's text and carries the speaker", () => {
  const { after } = run(toAnswer("Awa Diallo"), state([p.create(null, text("Oui."))], 1));
  assert.equal(after.doc.firstChild.attrs.speaker, "Awa Diallo");
  assert.equal(after.doc.firstChild.textContent, "Oui.");
});

test("a link with nothing selected is inserted with its words, then found around the cursor", () => {
  const { after } = run(setLink("https://www.caf.fr", "le site"), state([p.create(null, text("Voir "))], 6));
  assert.equal(after.doc.firstChild.textContent, "Voir le site");
  const found = linkAt(after.apply(after.tr.setSelection(TextSelection.create(after.doc, 8))));
  assert.deepEqual(found, { from: 6, to: 13, href: "https://www.caf.fr" });
  const { after: unlinked } = run(setLink(""), after.apply(after.tr.setSelection(TextSelection.create(after.doc, 8))));
  assert.equal(linkAt(unlinked.apply(unlinked.tr.setSelection(TextSelection.create(unlinked.doc, 8)))), null);
});
