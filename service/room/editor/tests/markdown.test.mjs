// The Markdown reader and writer: byte-for-byte round trips, odd files kept raw, edits that
// change only their block, and documents built in the editor that read back the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EditorState } from "prosemirror-state";
import { Fragment } from "prosemirror-model";
import { schema } from "../src/schema.js";
import { parseMarkdown, serializeMarkdown, stripSource } from "../src/markdown.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const body = (path) => {
  const text = readFileSync(root + path, "utf8");
  return text.slice(text.indexOf("\n\n") + 2);
};
const kinds = (doc) => doc.content.content.map((n) => n.type.name);
const raws = (doc) => doc.content.content.filter((n) => n.type.name === "raw").map((n) => n.attrs.text);
const roundTrip = (text) => assert.equal(serializeMarkdown(parseMarkdown(text)), text);

const ODD = {
  table: "Avant.\n\n| Ville | Ctg |\n|---|---:|\n| Évry | 2019 |\n\nAprès.\n",
  html: "Avant.\n\n<div class=\"encadre\">\n\n**Gras** dedans\n\n</div>\n\nAprès.\n",
  fence: "Avant.\n\n```python\nx = 1\n\n\ny = 2\n```\n\nAprès.\n",
  footnote: "Un renvoi[^1] ici.\n\n[^1]: La note,\n\n    sur deux paragraphes.\n",
  crlf: "## Question\r\n\r\nRéponse **grasse**.\r\n",
  trailingSpaces: "Un paragraphe.   \n\nUn autre.  \n",
  noFinalNewline: "## Question\n\nFin sans retour",
  tabs: "Avant.\n\n\tdu code\n\nTexte\tavec tabulation.\n",
  indentedCode: "Avant.\n\n    du code\n    encore\n\nAprès.\n",
  setext: "Titre\n=====\n\nTexte.\n",
  attrList: "Un paragraphe.\n{: .encadre }\n\n## Titre {#ancre}\n",
  references: "Voir [le site][caf].\n\n[caf]: https://caf.fr\n",
  definitions: "Terme\n: Définition\n\n*[Caf]: Caisse d’allocations familiales\n",
  toc: "[TOC]\n\n## Titre\n",
  inlineHtml: "Du <span class=\"x\">HTML</span> en ligne, une image ![a](/images/a.jpg) dedans.\n",
  rule: "Avant.\n\n---\n\nAprès.\n",
  levelOne: "# Un grand titre\n\nTexte.\n",
};

for (const [name, text] of Object.entries(ODD)) {
  test(`an odd file (${name}) round-trips byte for byte into a valid document`, () => {
    roundTrip(text);
    parseMarkdown(text).check();
  });
}

test("the odd parts of hand-written files are raw, the rest modelled", () => {
  assert.deepEqual(raws(parseMarkdown(ODD.table)), ["| Ville | Ctg |\n|---|---:|\n| Évry | 2019 |"]);
  assert.deepEqual(kinds(parseMarkdown(ODD.table)), ["paragraph", "raw", "paragraph"]);
  assert.deepEqual(raws(parseMarkdown(ODD.html)), ["<div class=\"encadre\">\n\n**Gras** dedans\n\n</div>"]);
  assert.deepEqual(raws(parseMarkdown(ODD.fence)), ["```python\nx = 1\n\n\ny = 2\n```"]);
  assert.deepEqual(kinds(parseMarkdown(ODD.footnote)), ["raw", "raw"]);
  assert.deepEqual(kinds(parseMarkdown(ODD.crlf)), ["raw", "raw"]);
  assert.deepEqual(kinds(parseMarkdown(ODD.tabs)), ["paragraph", "raw", "raw"]);
  assert.deepEqual(raws(parseMarkdown(ODD.indentedCode)), ["    du code\n    encore"]);
  for (const name of ["setext", "references", "definitions", "inlineHtml", "levelOne"]) {
    assert.ok(raws(parseMarkdown(ODD[name])).length, name);
  }
  assert.deepEqual(kinds(parseMarkdown(ODD.attrList)), ["raw", "raw"]);
  assert.deepEqual(kinds(parseMarkdown(ODD.toc)), ["raw", "heading"]);
  assert.deepEqual(kinds(parseMarkdown(ODD.rule)), ["paragraph", "raw", "paragraph"]);
});

test("lead and trail: blank lines around the body and a missing final newline come back", () => {
  for (const text of ["", "\n", "\n\n## Q\n", "Texte", "Texte\n\n\n", "  \n\nTexte\n  \n", "   "]) roundTrip(text);
  const doc = parseMarkdown("\n\nTexte\n\n");
  assert.equal(doc.attrs.lead, "\n\n");
  assert.equal(doc.attrs.trail, "\n\n");
});

test("the launch interview reads as headings, answers with their speakers and paragraphs", () => {
  const doc = parseMarkdown(body("content/articles/30-ans-caf-essonne.md"));
  assert.deepEqual(raws(doc), []);
  const headings = doc.content.content.filter((n) => n.type.name === "heading");
  assert.equal(headings.length, 5);
  assert.ok(headings.every((h) => h.attrs.level === 2));
  assert.match(headings[0].textContent, /^Le rôle de la Caf a-t-il évolué/);
  const speakers = doc.content.content.filter((n) => n.attrs.speaker).map((n) => n.attrs.speaker);
  assert.deepEqual(speakers, ["Guillaume Lacroix", "G. L.", "G. L.", "G. L.", "G. L."]);
  const answer = doc.content.content.find((n) => n.attrs.speaker);
  assert.ok(answer.textContent.startsWith("« Oui, bien sûr"));
  assert.equal(doc.content.content.filter((n) => n.type.name === "paragraph" && !n.attrs.speaker).length, 12);
});

test("lists, quotes, images and marks of a hand-written file are modelled", () => {
  const text = [
    "Intro avec **gras**, __gras__, *italique*, _italique_, `code`, [lien](https://caf.fr \"Titre\") et <https://caf.fr>.",
    "- un\n- deux\n    - deux bis\n- trois",
    "Entre deux listes (sans lui, Python-Markdown n’en fait qu’une).",
    "* étoile\n\n* lâche",
    "Une liste suit une liste de l’autre sorte sans ce paragraphe : Python-Markdown les joint.",
    "3. trois\n4. quatre",
    "> Une citation\n>\n> sur deux paragraphes",
    "![Une photo](/images/x.jpg \"Légende © Crédit\")",
    "Ligne  \ncassée et \\*échappée\\*.",
  ].join("\n\n") + "\n";
  const doc = parseMarkdown(text);
  assert.equal(serializeMarkdown(doc), text);
  assert.deepEqual(raws(doc), []);
  assert.deepEqual(kinds(doc), ["paragraph", "bullet_list", "paragraph", "bullet_list", "paragraph", "ordered_list", "blockquote", "image", "paragraph"]);
  const marks = [];
  doc.firstChild.forEach((n) => marks.push(n.marks.map((m) => m.type.name).join("+")));
  assert.deepEqual(marks.filter(Boolean), ["strong", "strong", "em", "em", "code", "link", "link"]);
  assert.equal(doc.child(1).child(1).childCount, 2, "a nested list inside the second item");
  assert.equal(doc.child(3).attrs.marker, "*");
  assert.equal(doc.child(3).firstChild.firstChild.attrs.sep, "\n\n", "a loose list stays loose");
  assert.equal(doc.child(5).attrs.order, 3);
  assert.equal(doc.child(6).childCount, 2);
  assert.deepEqual(doc.child(7).attrs.title, "Légende © Crédit");
  assert.equal(doc.child(8).child(1).type.name, "hard_break");
  assert.equal(doc.child(8).textContent, "Lignecassée et *échappée*.");
});

test("Python-Markdown's own readings: a lone star, a backslash at a line end, a star inside a link", () => {
  const lone = parseMarkdown("Les champs obligatoires sont indiqués avec *\n");
  assert.equal(lone.firstChild.textContent, "Les champs obligatoires sont indiqués avec *");
  const backslash = parseMarkdown("Ligne\\\nsuite\n");
  assert.equal(backslash.firstChild.textContent, "Ligne\\\nsuite", "not a hard break for Python-Markdown");
  const link = parseMarkdown("*a [b*](/u) c*\n").firstChild;
  assert.deepEqual(link.child(1).marks.map((m) => m.type.name), ["link", "em"], "the link is read first");
  assert.equal(link.child(1).text, "b*");
  assert.equal(parseMarkdown("*a [b*](/u)\n").firstChild.type.name, "raw", "an unclosed star");
  const words = parseMarkdown("snake_case_name et 2 * 3 * 4\n");
  assert.equal(words.firstChild.textContent, "snake_case_name et 2 * 3 * 4");
});

test("changing one word in one answer changes only that block's lines", () => {
  const text = body("content/articles/service-public-mobilise-crise-sanitaire.md");
  const doc = parseMarkdown(text);
  let target = -1;
  doc.forEach((node, offset, index) => { if (target < 0 && node.attrs.speaker && index > 5) target = offset; });
  const node = doc.nodeAt(target);
  const from = target + 1 + node.textContent.indexOf("effet") ;
  const edited = EditorState.create({ doc }).tr.insertText("vérité", from, from + "effet".length).doc;
  const out = serializeMarkdown(edited);
  const before = text.split("\n"), after = out.split("\n");
  assert.equal(after.length, before.length);
  const changed = before.map((line, i) => (line === after[i] ? null : i)).filter((i) => i !== null);
  assert.equal(changed.length, 1);
  assert.equal(after[changed[0]], before[changed[0]].replace("effet", "vérité"));
});

// Documents as the editor makes them: no `md`, default `sep`.
const s = schema;
const text = (value, ...marks) => s.text(value, marks);
const strong = s.marks.strong.create(), em = s.marks.em.create(), code = s.marks.code.create();
const link = (href, title = null) => s.marks.link.create({ href, title });
const para = (...content) => s.nodes.paragraph.create(null, content);
const answer = (speaker, ...content) => s.nodes.paragraph.create({ speaker }, content);
const item = (...content) => s.nodes.list_item.create(null, content);
const ul = (...items) => s.nodes.bullet_list.create(null, items);
const ol = (...items) => s.nodes.ordered_list.create(null, items);
const li = (words, ...blocks) => item(para(text(words)), ...blocks);
const broken = (line, next) => para(text(line), s.nodes.hard_break.create(), text(next));

const BUILT = {
  "nested marks": [para(text("a "), text("gras ", strong), text("et italique", strong, em), text(" fin"))],
  "links with titles": [para(text("Voir "), text("le site", link("https://caf.fr/a_b?x=1&y=2", "Le « site »")), text(" et "),
    text("https://caf.fr", link("https://caf.fr")), text(" ou "), text("gras lié", link("/a/"), strong))],
  "lists in quotes": [s.nodes.blockquote.create(null, [para(text("Citation")),
    s.nodes.bullet_list.create(null, [item(para(text("un"))), item(para(text("deux")),
      s.nodes.ordered_list.create(null, [item(para(text("deux-un")))]))])])],
  "answers with bold inside": [answer("Awa Diallo", text("« Oui, "), text("vraiment", strong), text(" »")),
    answer("Camille Martin-Lefèvre", text("Réponse avec un "), text("lien", link("/x/")))],
  "special characters": [para(text("2 * 3 = 6, *pas* d’italique, snake_case, _x_, [crochets](non), `tic`, <b>, a < b, &amp; & co, « guillemets », insécables\u00a0: fin\u202f!")),
    para(text("# pas un titre")), para(text("> pas une citation")), para(text("- pas une liste")), para(text("1. pas numéroté")),
    para(text("\\ antislash \\* et {: .speaker}"))],
  "headings and images": [s.nodes.heading.create({ level: 2 }, [text("Une question "), text("code", code), text(" ?")]),
    s.nodes.heading.create({ level: 3 }, [text("## dièses")]),
    s.nodes.image.create({ src: "/images/x.jpg", alt: "Une [photo]", title: "Légende © Crédit" }),
    s.nodes.ordered_list.create({ order: 4 }, [item(para(text("quatre"))), item(para(text("cinq")), para(text("suite")))])],
  "hard breaks": [para(text("ligne"), s.nodes.hard_break.create(), text("suivante", em))],
  // Nested lists as a paste from Word or Google Docs makes them: a nested list in the last
  // item of a nested list puts its lines eight spaces in, right under the item above.
  "lists nested three deep": [ul(li("a", ul(li("b"), li("c", ul(li("d"), li("e"))))), li("f"))],
  "numbered inside bulleted and the reverse": [ul(li("a", ol(li("un"), li("deux", ul(li("x"), li("y")))))),
    para(text("puis")), ol(li("un", ul(li("x"), li("y", ol(li("i"), li("ii"))))))],
  "loose nested items with line breaks": [ul(item(broken("a", "ligne"), para(text("suite")),
    ul(item(broken("b", "l2")), li("c", para(text("c suite")), ol(item(broken("d", "l3")), li("e"))))), li("f"))],
};

for (const [name, blocks] of Object.entries(BUILT)) {
  test(`a document made in the editor reads back the same: ${name}`, () => {
    const doc = s.node("doc", null, blocks);
    const markdown = serializeMarkdown(doc);
    const again = parseMarkdown(markdown);
    assert.deepEqual(raws(again), [], markdown);
    assert.ok(stripSource(again).eq(stripSource(doc)), `${markdown}\n${again}\n${doc}`);
    assert.equal(serializeMarkdown(again), markdown);
  });
}

test("a star in a speaker's name becomes a look-alike, as the room's buttons write it", () => {
  const doc = s.node("doc", null, [answer("Awa **Diallo", s.text("« Oui »"))]);
  assert.equal(serializeMarkdown(doc), "**Awa ∗∗Diallo :**{: .speaker} « Oui »\n");
  assert.equal(parseMarkdown(serializeMarkdown(doc)).firstChild.attrs.speaker, "Awa ∗∗Diallo");
});

test("a block added to a read file is written in the site's style, the others as they were", () => {
  const text = body("content/articles/30-ans-caf-essonne.md");
  const doc = parseMarkdown(text);
  const added = [s.nodes.heading.create({ level: 2 }, [s.text("Une dernière question ?")]), answer("G. L.", s.text("« Oui. »"))];
  const edited = doc.copy(doc.content.append(Fragment.from(added)));
  const kept = text.slice(0, text.length - doc.attrs.trail.length);
  const tail = "\n\n## Une dernière question ?\n\n**G. L. :**{: .speaker} « Oui. »";
  assert.equal(serializeMarkdown(edited), kept + tail + doc.attrs.trail);
});

test("as Python-Markdown reads them: lists of both kinds after a blank line are one list", () => {
  const doc = parseMarkdown("- a\n\n1. b\n\n  - c\n");
  assert.deepEqual(kinds(doc), ["bullet_list"]);
  assert.equal(doc.firstChild.childCount, 3);
  assert.equal(serializeMarkdown(doc), "- a\n\n1. b\n\n  - c\n");
});

test("a heading with trailing spaces is a heading; one closed by # or with an id is raw", () => {
  assert.deepEqual(kinds(parseMarkdown("## Une question ?  \n")), ["heading"]);
  assert.deepEqual(kinds(parseMarkdown("## Une question ? ##\n\n## Titre {#ancre}\n\n##Collé\n")), ["raw", "raw", "raw"]);
});

test("a link typed with spaces or a lone parenthesis in its address is written so it reads back", () => {
  const doc = s.node("doc", null, [para(text("lien", link("https://caf.fr/a b(c")), text(" et "), text("wiki", link("/wiki/X_(y)")))]);
  const markdown = serializeMarkdown(doc);
  assert.equal(markdown, "[lien](https://caf.fr/a%20b%28c) et [wiki](/wiki/X_(y))\n");
  assert.deepEqual(raws(parseMarkdown(markdown)), []);
});

test("text typed anywhere in the site's files reads back as typed, never as raw Markdown", () => {
  let seed = 20;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = (list) => list[Math.floor(random() * list.length)];
  const typed = ["*", "**", "_", "`", "[", "]", "(x)", "<b>", "<", "&amp;", "&", "\\", "# ", "> ", "- ", "1. ",
    "\u00a0", "«", "{: .x}", "|", "!", "---", "#", "__x__", "*y*", "![", "<https://x.fr>", "2 * 3"];
  const files = ["articles/30-ans-caf-essonne.md", "articles/enjeux-prioritaires-2022.md", "pages/donnees-personnelles.md",
    "pages/mentions-legales.md", "pages/s-abonner.md", "pages/404.md"].map((name) => body(`content/${name}`));
  const rawCount = (doc) => raws(doc).length;
  const words = (doc) => doc.textContent.replace(/\s+/g, " ").trim();
  for (let round = 0; round < 300; round++) {
    const doc = parseMarkdown(pick(files));
    const tr = EditorState.create({ doc }).tr;
    for (let edit = 0; edit < 3; edit++) {
      const places = [];
      tr.doc.descendants((node, pos) => { if (node.isText) for (let i = 0; i <= node.text.length; i++) places.push(pos + i); });
      tr.insertText(pick(typed), pick(places));
    }
    const again = parseMarkdown(serializeMarkdown(tr.doc));
    assert.equal(rawCount(again), rawCount(tr.doc), serializeMarkdown(tr.doc));
    assert.equal(words(again), words(tr.doc));
  }
});

test("spaces at the edges of a bold, an italic or a code are written outside them", () => {
  const doc = s.node("doc", null, [para(text("raison"), text(" socia", strong), text("le, "), text("ense", em), text("mble ", code),
    text("et", em), text(" ", em, strong), text("fin"))]);
  const markdown = serializeMarkdown(doc);
  assert.equal(markdown, "raison **socia**le, *ense*`mble` *et* fin\n");
  assert.deepEqual(kinds(parseMarkdown(markdown)), ["paragraph"]);
});

test("a heading typed over two lines or ending with # stays one heading", () => {
  const doc = s.node("doc", null, [s.nodes.heading.create({ level: 2 }, [text("Une question\nsur deux lignes #")]), para(text("x"))]);
  const markdown = serializeMarkdown(doc);
  assert.equal(markdown, "## Une question sur deux lignes \\#\n\nx\n");
  assert.equal(parseMarkdown(markdown).firstChild.textContent, "Une question sur deux lignes #");
});

test("an item or a paragraph typed with a line break at its edge stays what it was", () => {
  const list = s.nodes.bullet_list.create(null, [item(para(text("un"))), item(para(text("\ndeux\n"))), item(para(text("trois")))]);
  const doc = s.node("doc", null, [list, para(text("\nsuite"))]);
  const markdown = serializeMarkdown(doc);
  assert.equal(markdown, "- un\n- deux\n- trois\n\nsuite\n");
  assert.deepEqual(kinds(parseMarkdown(markdown)), ["bullet_list", "paragraph"]);
});

test("a list nested two levels deep, tight, is a list (pasted from Word or Google Docs)", () => {
  for (const text of ["- a\n    - b\n    - c\n        - d\n", "- a\n\n    - b\n    - c\n\n        - e\n        - f\n"]) {
    const doc = parseMarkdown(text);
    assert.deepEqual(kinds(doc), ["bullet_list"], text);
    roundTrip(text);
  }
});

test("two lists that meet stay two: an empty comment between them, read back as their gap", () => {
  const two = schema.node("doc", null, [
    schema.node("bullet_list", null, [schema.node("list_item", null, [schema.node("paragraph", null, [schema.text("a")])])]),
    schema.node("ordered_list", null, [schema.node("list_item", null, [schema.node("paragraph", null, [schema.text("b")])])]),
  ]);
  const text = serializeMarkdown(two);
  assert.equal(text, "- a\n\n<!-- -->\n\n1. b\n");
  assert.deepEqual(kinds(parseMarkdown(text)), ["bullet_list", "ordered_list"]);
  roundTrip(text);
});
