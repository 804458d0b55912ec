// The site's Markdown read into the editor's document and written back, byte for byte.
//
// Why this shape: the Markdown file stays the source, so opening and saving an unchanged
// article must give the same bytes. The body is cut into top-level blocks as Python-Markdown
// cuts it (blank lines, except inside a fence, a list, a quote or an HTML block); each block
// node keeps `md`, its exact text, and `sep`, the exact text before it. Writing gives `md`
// back whenever reading it again gives the same node, and only an edited block is written
// anew, in the site's own style (service/room/blocks.py). A block the model cannot hold
// exactly (a table, HTML, code, a footnote, a line the inline reader cannot read back) is a
// `raw` node with its text verbatim: never dropped, never rewritten.
import { schema } from "./schema.js";
import { STYLES, Unreadable, readInline, writeInline } from "./markdown-inline.js";

const BLANK = /^[ \t\r]*$/;
// Python-Markdown joins two lists one blank line apart (even a bulleted and a numbered one):
// an empty comment between them keeps them two, as the editor shows them. It is read as part
// of the text before the second list, and written there when two lists meet.
const LIST_BREAK = "<!-- -->";
const isList = (node) => node.type.name.endsWith("_list");
const ITEM = /^( {0,3})([-*+]|\d+\.)( +)(.*)$/;
const QUOTE = /^ {0,3}>/;
const HEADING_LINE = /^#/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HTML = /^ {0,3}<(!--|[A-Za-z][\w-]*(?=[\s/>]|$))/;
const INDENTED = /^( {4}|\t)/;
const IMAGE = /^!\[((?:\\.|[^\\[\]\n])*)\]\(([^\s()"]+)(?: "([^"\n]*)")?\)$/;
// An answer; the space before « : » is often a no-break one, which an edited answer keeps.
const SPEAKER = /^\*\*([^*\n]+?)([ \u00a0\u202f]):\*\*\{: \.speaker\} /;
// Lines Python-Markdown reads as something the editor does not model.
const FOREIGN = [
  /^ {0,3}\[[^\]\n]+\]:/, // a reference or footnote definition
  /^ {0,3}\*\[[^\]\n]+\]:/, // an abbreviation
  /^:[ \t]/, // a definition
  /^ {0,3}(=+|-+) *$/, // a setext underline
  /^ {0,3}([-*_])( *\1){2,} *$/, // a rule
  /^\s*\[TOC\]\s*$/,
  /^\s*\|?\s*:?-+:?\s*\|/, // a table's second line
  /^\s*\{:?[^}]*\}\s*$/, // an attribute list
];

/** The `doc` of `text` (the « Texte » field: the body of the file as the room gives it). */
export function parseMarkdown(text) {
  let lead = /^(?:[ \t\r]*\n)*/.exec(text)[0];
  let trail = /(?:\n[ \t\r]*)*$/.exec(text.slice(lead.length))[0];
  let body = text.slice(lead.length, text.length - trail.length);
  if (!body.trim()) [lead, body, trail] = [text, "", ""];
  const refs = new Set([...text.matchAll(/^ {0,3}\[([^\]\n]+)\]:/gm)].map((m) => m[1].toLowerCase()));
  const blocks = body ? readBlocks(body, refs, false) : [];
  if (!blocks.length) blocks.push(schema.nodes.paragraph.create({ md: "", sep: "" }));
  return schema.node("doc", { lead, trail }, blocks);
}

/** The Markdown of `doc`: unchanged blocks as they were read, edited ones written anew. */
export function serializeMarkdown(doc) {
  return doc.attrs.lead + writeBlocks(doc.content, false) + doc.attrs.trail;
}

/** Cut `src` into block nodes; `inItem`: inside a list item, where a list line starts a list. */
function readBlocks(src, refs, inItem, check = true) {
  const lines = src.split("\n");
  const nodes = [];
  let end = 0;
  for (let a = 0; a < lines.length;) {
    if (BLANK.test(lines[a])) { a++; continue; }
    const b = blockEnd(lines, a, inItem);
    const sep = (end === 0 && nodes.length === 0 ? "" : "\n") + lines.slice(end, a).map((l) => `${l}\n`).join("");
    const md = lines.slice(a, b).join("\n");
    const next = lines.slice(b).findIndex((l) => !BLANK.test(l)) + b;
    if (md === LIST_BREAK && nodes.length && isList(nodes.at(-1)) && next > b && ITEM.test(lines[next])) {
      a = b; // the comment goes into the next list's `sep`: `end` stays where the blanks began
      continue;
    }
    const node = readBlock(md, refs, inItem, check);
    nodes.push(node.type.create({ ...node.attrs, sep }, node.content));
    end = a = b;
  }
  return nodes;
}

/** The line after the block that starts at line `a`. */
function blockEnd(lines, a, inItem) {
  const first = lines[a];
  const nextBlank = (from) => { let k = from; while (k < lines.length && !BLANK.test(lines[k])) k++; return k; };
  const after = (k) => { let j = k; while (j < lines.length && BLANK.test(lines[j])) j++; return j; };
  const fence = FENCE.exec(first);
  if (fence) {
    const close = new RegExp(`^ {0,3}${fence[1][0] === "`" ? "`" : "~"}{${fence[1].length},}[ \\t\\r]*$`);
    for (let k = a + 1; k < lines.length; k++) if (close.test(lines[k])) return k + 1;
    return lines.length;
  }
  const html = HTML.exec(first);
  if (html) {
    const closing = html[1] === "!--" ? "-->" : `</${html[1]}`;
    for (let k = a; k < lines.length; k++) if (lines[k].includes(closing)) return nextBlank(k);
  }
  if (HEADING_LINE.test(first)) return a + 1;
  let b = nextBlank(a);
  const item = ITEM.exec(first);
  const continues = (line) => {
    if (QUOTE.test(first)) return QUOTE.test(line);
    if (item) return INDENTED.test(line) || ITEM.test(line); // Python-Markdown joins lists of both kinds
    return INDENTED.test(first) || /^ {0,3}\[\^/.test(first) ? INDENTED.test(line) : false;
  };
  while (after(b) < lines.length && continues(lines[after(b)])) b = nextBlank(after(b));
  const plain = !item && !QUOTE.test(first);
  for (let k = a + 1; k < b; k++) {
    const splits = plain && (QUOTE.test(lines[k]) || (inItem && ITEM.test(lines[k])));
    if (HEADING_LINE.test(lines[k]) || splits) return k;
  }
  return b;
}

/** The node of one block's Markdown: modelled when it reads back exactly, else `raw`. */
function readBlock(md, refs, inItem, check) {
  const raw = () => schema.nodes.raw.create({ text: md, md });
  try {
    const node = modelled(md, refs, inItem);
    if (!node || !check) return node || raw();
    const leaf = !["bullet_list", "ordered_list", "blockquote"].includes(node.type.name);
    const again = canonical(node, inItem);
    if (leaf ? again !== md : !sameContent(readBlocks(again, refs, inItem, false), [node])) return raw();
    return node;
  } catch (error) {
    if (error instanceof Unreadable) return raw();
    throw error;
  }
}

function modelled(md, refs, inItem) {
  const lines = md.split("\n");
  const attrs = { md };
  if (FENCE.test(md) || HTML.test(md) || INDENTED.test(md) || /\r/.test(md)) return null;
  if (lines.some((l) => FOREIGN.some((re) => re.test(l)))) return null;
  let m;
  if (HEADING_LINE.test(md)) {
    m = /^(#{2,4}) (\S(?:.*(?:[^#\s]|\\#))?\s*)$/.exec(md);
    return m && schema.nodes.heading.create({ ...attrs, level: m[1].length }, readInline(m[2], refs));
  }
  if ((m = IMAGE.exec(md))) {
    const alt = m[1].replace(/\\(.)/g, "$1");
    return schema.nodes.image.create({ ...attrs, alt, src: m[2], title: m[3] ?? "" });
  }
  if (QUOTE.test(md)) {
    const inner = lines.map((l) => (BLANK.test(l) ? "" : l.replace(/^ {0,3}> ?/, ""))).join("\n");
    const children = readBlocks(inner, refs, false);
    return children.length ? schema.nodes.blockquote.create(attrs, children) : null;
  }
  if ((m = ITEM.exec(lines[0]))) return readList(lines, refs, attrs, /\d/.test(m[2]));
  if ((m = SPEAKER.exec(md))) {
    return schema.nodes.paragraph.create({ ...attrs, speaker: m[1] }, readInline(md.slice(m[0].length), refs));
  }
  return schema.nodes.paragraph.create(attrs, readInline(md, refs));
}

function readList(lines, refs, attrs, ordered) {
  const items = [];
  let blanks = [];
  // Where the line is, as Python-Markdown cuts a list: the item's own lines; under a nested
  // item right below it (the rest of that piece is the nested item's, one level off); or in
  // an indented piece after a blank line (all of it the item's, one level off).
  let under = "item";
  let floor = 0;
  for (const line of lines) {
    const m = ITEM.exec(line);
    if (/\t/.test(line)) return null;
    if (BLANK.test(line)) { blanks.push(line); continue; }
    const indent = /^ */.exec(line)[0].length;
    if (blanks.length) [under, floor] = indent >= 4 ? ["piece", indent - (indent % 4)] : ["item", 0];
    if (m && under !== "piece") {
      if (!m[4].trim()) throw new Unreadable("an item with nothing on its line");
      items.push({ sep: `\n${blanks.map((l) => `${l}\n`).join("")}`, lines: [m[4]], marker: m[2] });
      under = "item";
    } else {
      if (under === "item" && /^ {4,7}([-*+]|\d+\.) /.test(line)) under = "nested";
      // Python-Markdown takes a level off the whole piece, by the depth of its first line.
      if (indent >= 4 && indent < floor) throw new Unreadable("a line less indented than its piece");
      const text = under === "item" || indent < 4 ? continuation(line) : line.slice(4);
      items.at(-1).lines.push(...blanks.map(() => ""), text);
    }
    blanks = [];
  }
  if (blanks.length) return null;
  const loose = items[1] ? items[1].sep : "\n";
  const nodes = items.map((it, i) => {
    const children = readBlocks(it.lines.join("\n"), refs, true);
    if (children[0]?.type.name !== "paragraph") throw new Unreadable("item without a paragraph");
    const first = children[0];
    children[0] = first.type.create({ ...first.attrs, sep: i ? it.sep : loose }, first.content);
    return schema.nodes.list_item.create(null, children);
  });
  return ordered
    ? schema.nodes.ordered_list.create({ ...attrs, order: parseInt(items[0].marker, 10) }, nodes)
    : schema.nodes.bullet_list.create({ ...attrs, marker: items[0].marker }, nodes);
}

/** An item's line under its first, not taken a level off: as written, but indented block
 * syntax there (which Python-Markdown reads otherwise) is not modelled. */
function continuation(line) {
  const text = line.trimStart();
  if (text !== line && /^([#>|<]|```|~~~|([-*+]|\d+\.)( |$))/.test(text)) {
    throw new Unreadable("indented block in an item");
  }
  return text;
}

function sameContent(nodes, others) {
  const bare = (node) => stripSource(node);
  return nodes.length === others.length && nodes.every((n, i) => bare(n).eq(bare(others[i])));
}

/** `node` without what it was read from (`md`, `sep`): what it shows, to compare. */
export function stripSource(node) {
  if (node.isText) return node;
  const attrs = { ...node.attrs };
  if ("md" in attrs) attrs.md = null;
  if ("sep" in attrs) attrs.sep = "\n\n";
  const content = [];
  node.forEach((child) => content.push(child.isText ? child.mark(child.marks.map(bareMark)) : stripSource(child)));
  return node.type.create(attrs, content, node.marks.map(bareMark));
}

const bareMark = (mark) => ("marker" in mark.attrs ? mark.type.create() : mark);

function writeBlocks(fragment, inItem) {
  let out = "";
  let prev = null;
  fragment.forEach((node, _, index) => {
    out += (index === 0 ? "" : joint(prev, node, inItem)) + writeBlock(node, inItem);
    prev = node;
  });
  return out;
}

/** The text between two blocks: the one read, unless it would now join them into one. */
function joint(prev, node, inItem) {
  const sep = node.attrs.sep ?? "\n\n";
  if (isList(prev) && isList(node)) {
    return /^\n[ \t\r]*\n<!-- -->\n[ \t\r]*\n$/.test(sep) ? sep : `\n\n${LIST_BREAK}\n\n`;
  }
  if (!/^\n[ \t\r\n]*$/.test(sep)) return "\n\n";
  if (/\n[ \t\r]*\n/.test(sep)) return sep;
  const runsOn = ["paragraph", "bullet_list", "ordered_list", "blockquote"].includes(prev.type.name);
  const joins = ["paragraph", "image"].includes(node.type.name) || (!inItem && node.type.name.endsWith("_list"));
  // In a tight item only a nested list or a quote can follow without a blank line.
  const tight = node.type.name.endsWith("_list") || node.type.name === "blockquote";
  return (runsOn && joins) || (inItem && !tight) ? "\n\n" : sep;
}

function writeBlock(node, inItem) {
  const { md } = node.attrs;
  if (md != null) {
    const again = readBlocks(md, new Set(), inItem);
    const [one] = again;
    if (again.length === 1 && one.type.create({ ...one.attrs, sep: node.attrs.sep }, one.content).eq(node)) return md;
  }
  return canonical(node, inItem);
}

/** A block in the site's own style; the inline text as typed when it reads back the same. */
function canonical(node, inItem = false) {
  const { name } = node.type;
  if (name === "raw") return node.attrs.text;
  if (name === "image") {
    const { src, alt, title } = node.attrs;
    return `![${alt.replace(/[\\[\]]/g, "\\$&")}](${src}${title ? ` "${title.replace(/"/g, "”")}"` : ""})`;
  }
  if (name === "blockquote") {
    return writeBlocks(node.content, false).split("\n").map((l) => (BLANK.test(l) ? ">" : `> ${l}`)).join("\n");
  }
  if (name === "bullet_list" || name === "ordered_list") {
    let out = "";
    let gap = "\n"; // between items: as read; a new item takes the one before it (tight at first)
    node.forEach((item, _, i) => {
      const marker = name === "bullet_list" ? `${node.attrs.marker} ` : `${node.attrs.order + i}. `;
      const { sep, md } = item.firstChild.attrs;
      if (md != null && /^\n[ \t\r\n]*$/.test(sep)) gap = sep;
      if (i > 0) out += /\n[ \t\r]*\n/.test(out) && !/\n[ \t\r]*\n/.test(gap) ? "\n\n" : gap;
      out += marker + writeItem(item);
    });
    return out;
  }
  const space = SPEAKER.exec(node.attrs.md || "")?.[2] ?? " ";
  const speaker = node.attrs.speaker && `**${node.attrs.speaker.replace(/\*/g, "∗")}${space}:**{: .speaker} `;
  const prefix = name === "heading" ? `${"#".repeat(node.attrs.level)} ` : speaker || "";
  const tidy = (md) => {
    // Blank lines at the edges would split the block, four spaces would make it code.
    const text = md.replace(/^[ \n]*\n|[ \n]*\n$/g, "").replace(/^ {4,}/, "");
    if (name !== "heading") return prefix + text;
    // One line, and no closing # (Python-Markdown would drop it).
    return prefix + text.replace(/ *\n */g, " ").replace(/#+$/, (run) => run.replace(/#/g, "\\#"));
  };
  const tries = [false, true].flatMap((full) => STYLES.map((style) => tidy(writeInline(node.content, full, style))));
  // A text the Markdown cannot hold exactly (a space at the edge of a bold) is written as
  // close as it reads, so it opens again as text, not as raw Markdown.
  const exact = tries.find((md) => readsAs(md, node, inItem));
  return exact ?? tries.find((md) => readsAs(md, node, inItem, true)) ?? tries[STYLES.length];
}

/** An item's blocks under its marker: indented by four, but a quote right under the item
 * stays at the margin, where Python-Markdown still reads it as a quote inside the item. */
function writeItem(item) {
  let out = "";
  item.forEach((child, _, k) => {
    const sep = k ? joint(item.child(k - 1), child, true) : "";
    const pad = child.type.name === "blockquote" && !/\n[ \t\r]*\n/.test(sep) ? "" : "    ";
    const lines = writeBlock(child, true).split("\n");
    out += sep + lines.map((l, n) => (n === 0 && k === 0 ? l : BLANK.test(l) ? "" : pad + l)).join("\n");
  });
  return out;
}

function readsAs(md, node, inItem, roughly = false) {
  try {
    const again = readBlocks(md, new Set(), inItem, false);
    if (!roughly) return sameContent(again, [node]);
    return again.length === 1 && again[0].type === node.type && again[0].textContent === node.textContent;
  } catch (error) {
    if (error instanceof Unreadable) return false;
    throw error;
  }
}
