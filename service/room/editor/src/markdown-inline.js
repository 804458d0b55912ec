// The inline Markdown of a block (bold, italic, code, links, hard breaks), read the way
// Python-Markdown reads it and written back so it reads the same.
//
// Reading follows Python-Markdown's order: code spans, escapes, links, autolinks and entities
// are found first and stand as opaque atoms; emphasis is then paired around them by delimiter
// runs (see `emphasis`). Anything the model cannot hold for sure (inline HTML, an inline image,
// a footnote or reference link, an attribute list, a tab, an ambiguous emphasis) throws
// `Unreadable`, and the block reader keeps that block verbatim as `raw`. Writing tries the
// text as typed first and escapes everything only when the plain version would read back
// differently.
import { schema } from "./schema.js";

export class Unreadable extends Error {}

const ESCAPABLE = "\\`*_{}[]()>#+-.!|";
const ENTITIES = { lt: "<", gt: ">", amp: "&", quot: '"' };
const HOLE = "\u0002"; // an atom's place while emphasis is paired: neither a space nor a word
const WORD = /[\p{L}\p{N}_]/u;

/** Inline content (PM nodes) of `text`; `refs` are reference labels defined in the document. */
export function readInline(text, refs = new Set()) {
  const fail = (why) => { throw new Unreadable(why); };
  if (/[\t\r\u0002]/.test(text)) fail("tab or carriage return");
  const atoms = [];
  let flat = "";
  const atom = (value, length) => { atoms.push(value); flat += HOLE; return length; };
  for (let i = 0; i < text.length;) {
    const rest = text.slice(i);
    let m;
    if (rest[0] === "\\" && ESCAPABLE.includes(rest[1] || "\n")) i += atom({ text: rest[1] }, 2);
    else if ((m = /^(`+)([^]*?[^`])\1(?!`)/.exec(rest))) i += atom({ code: m[2].trim() }, m[0].length);
    else if (rest[0] === "`") { const run = /^`+/.exec(rest)[0]; flat += run; i += run.length; }
    else if (rest.startsWith("![") || rest.startsWith("[^") || rest.startsWith("][")) fail("image or note");
    else if (rest[0] === "[" && (m = readLink(rest, refs))) i += atom(m, m.length);
    else if ((m = /^<([A-Za-z][A-Za-z0-9+.-]*:\/\/[^<>]*)>/.exec(rest))) {
      const inner = [{ text: m[1], marks: [] }];
      i += atom({ link: { href: m[1], title: null }, inner }, m[0].length);
    } else if (/^<[A-Za-z/!?$]|^<[^>\s]+@[^>\s]+>/.test(rest)) fail("inline HTML");
    else if ((m = /^&(#?\w+);/.exec(rest))) {
      if (!ENTITIES[m[1]]) fail("entity");
      i += atom({ text: ENTITIES[m[1]] }, m[0].length);
    } else if ((m = /^ {2}\n/.exec(rest))) i += atom({ br: "  \n" }, 3);
    else if (rest[0] === "{" && /^\{[^}\n]*\}/.test(rest)) fail("attribute list");
    else { flat += rest[0]; i += 1; }
  }
  return toNodes(emphasis(flat, atoms));
}

/** `[text](url "title")` at the start of `rest`, or null (then `[` is a plain character). */
function readLink(rest, refs) {
  let depth = 0, end = -1;
  for (let j = 0; j < rest.length; j++) {
    if (rest[j] === "\\") j++;
    else if (rest[j] === "[") depth++;
    else if (rest[j] === "]" && --depth === 0) { end = j; break; }
  }
  if (end < 0) return null;
  const label = rest.slice(1, end);
  if (refs.has(label.toLowerCase())) throw new Unreadable("reference link");
  const m = /^\((<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?: "([^"\n]*)")?\)/.exec(rest.slice(end + 1));
  if (!m) {
    if (/^\s*[([]/.test(rest.slice(end + 1))) throw new Unreadable("link the model cannot hold");
    return null;
  }
  const href = m[1].startsWith("<") ? m[1].slice(1, -1) : m[1];
  if (m[1].startsWith("<")) throw new Unreadable("bracketed address");
  const inner = readInline(label, refs).map(flatten);
  return { link: { href, title: m[2] ?? null }, inner, length: end + 1 + m[0].length };
}

const flatten = (node) => (node.isText ? { text: node.text, marks: node.marks } : { node, marks: node.marks });

/** Items {text|br|code|link…, marks} of `flat`, emphasis paired as Python-Markdown's delimiter
 * runs pair: a run opens when followed by a non-space, closes when preceded by one (`_` not
 * inside a word); one that can do both closes the same run left open, else opens. Only clean
 * pairs are modelled: a run of three, a mismatched or unclosed run throws (the block is raw). */
function emphasis(flat, atoms) {
  const stack = [{ run: "", marks: [] }];
  const out = [];
  let atom = 0;
  const space = (ch) => ch === undefined || /\s/.test(ch);
  const word = (ch) => ch !== undefined && WORD.test(ch);
  for (let i = 0; i < flat.length;) {
    const { marks } = stack.at(-1);
    const c = flat[i];
    if (c === HOLE) { out.push({ ...atoms[atom++], marks }); i++; continue; }
    let j = i;
    if (c !== "*" && c !== "_") {
      while (j < flat.length && !"*_\u0002".includes(flat[j])) j++;
      out.push({ text: flat.slice(i, j), marks });
      i = j;
      continue;
    }
    while (flat[j] === c) j++;
    const run = flat.slice(i, j);
    let opens = !space(flat[j]), closes = !space(flat[i - 1]);
    if (c === "_") [opens, closes] = [opens && !word(flat[i - 1]), closes && !word(flat[j])];
    if (opens && closes) [opens, closes] = stack.at(-1).run === run ? [false, true] : [true, false];
    if (closes && stack.length === 1) opens = closes = false; // nothing open: a plain character
    if (!opens && !closes) out.push({ text: run, marks });
    else if (run.length > 2) throw new Unreadable("run of three");
    else if (closes) {
      if (stack.at(-1).run !== run) throw new Unreadable("mismatched emphasis");
      stack.pop();
    } else {
      const type = run.length === 2 ? schema.marks.strong : schema.marks.em;
      if (type.isInSet(marks)) throw new Unreadable("emphasis inside the same emphasis");
      stack.push({ run, marks: type.create({ marker: run }).addToSet(marks) });
    }
    i = j;
  }
  if (stack.length > 1) throw new Unreadable("unclosed emphasis");
  return out;
}

function toNodes(items) {
  const nodes = [];
  for (const item of items) {
    if (item.node) nodes.push(item.node.mark(item.marks.reduce((set, m) => m.addToSet(set), item.node.marks)));
    else if (item.br) nodes.push(schema.nodes.hard_break.create({ md: item.br }, null, item.marks));
    else if (item.code !== undefined) {
      if (item.code) nodes.push(schema.text(item.code, schema.marks.code.create().addToSet(item.marks)));
    }
    else if (item.link) {
      const link = schema.marks.link.create({ href: item.link.href, title: item.link.title });
      for (const inner of item.inner) {
        const marks = inner.marks.reduce((set, m) => m.addToSet(set), link.addToSet(item.marks));
        nodes.push(inner.node ? inner.node.mark(marks) : schema.text(inner.text, marks));
      }
    } else if (item.text) nodes.push(schema.text(item.text, item.marks));
  }
  return nodes;
}

/** Markdown for a fragment of inline nodes; `full` escapes every character that could mean something. */
export function writeInline(fragment, full = false, style = "typed") {
  const items = [];
  fragment.forEach((node) => items.push(node));
  return writeRun(items, [], full, style);
}

/** The ways to write emphasis markers, tried in turn until one reads back: as typed, the other
 * marker inside an emphasis (`**a _b_**`, where `***` would be ambiguous), stars only (`_`
 * cannot close inside a word). */
export const STYLES = ["typed", "nested", "stars"];

const RANK = ["link", "strong", "em", "code"];

function writeRun(items, open, full, style) {
  let out = "";
  for (let i = 0; i < items.length;) {
    const rank = (mark) => RANK.indexOf(mark.type.name);
    const extra = items[i].marks.filter((m) => !m.isInSet(open)).sort((a, b) => rank(a) - rank(b));
    if (!extra.length) { out += leaf(items[i], open, full); i++; continue; }
    const mark = extra.find((m) => m.type.name !== "code") || extra[0];
    let j = i;
    while (j < items.length && mark.isInSet(items[j].marks)) j++;
    const inner = items.slice(i, j);
    const code = mark.type.name === "code";
    const body = code
      ? inner.map((n) => n.text || "").join("")
      : writeRun(inner, mark.addToSet(open), full, style);
    // Emphasis and code cannot start or end with a space: it is written outside them.
    const [, before, core, after] = mark.type.name === "link"
      ? [null, "", body, ""]
      : /^(\s*)([^]*?)(\s*)$/.exec(body);
    const nested = style === "nested" && open.some((m) => m.type.name === "strong" || m.type.name === "em");
    out += core ? before + wrap(mark, core, inner, style === "stars" ? "stars" : nested) + after : body;
    i = j;
  }
  return out;
}

function wrap(mark, body, inner, nested) {
  const { name } = mark.type;
  if (name === "strong" || name === "em") {
    const [star, underscore] = name === "em" ? ["*", "_"] : ["**", "__"];
    const marker = nested === "stars" ? star : nested ? underscore : mark.attrs.marker;
    return marker + body + marker;
  }
  if (name === "code") {
    const fence = "`".repeat(Math.max(0, ...(body.match(/`+/g) || []).map((r) => r.length)) + 1);
    return /^`|`$/.test(body) ? `${fence} ${body} ${fence}` : `${fence}${body}${fence}`;
  }
  const { href, title } = mark.attrs;
  const text = inner.map((n) => n.text || "").join("");
  const auto = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^<>\s]*$/.test(href);
  if (!title && text === href && inner.length === 1 && auto) return `<${href}>`;
  return `[${body}](${destination(href)}${title ? ` "${title.replace(/"/g, "”")}"` : ""})`;
}

/** A link's address as a link can hold it: spaces and quotes encoded, and parentheses unless
 * they pair as a link reads them (`/wiki/X_(y)`). */
function destination(href) {
  const percent = (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  const plain = href.replace(/[\s<>"]/g, percent);
  return /^[^()]*(?:\([^()]*\)[^()]*)*$/.test(plain) ? plain : plain.replace(/[()]/g, percent);
}

function leaf(node, open, full) {
  if (node.type.name === "hard_break") return node.attrs.md || "  \n";
  if (node.marks.some((m) => m.type.name === "code")) return node.text;
  if (full) return escapeText(node.text);
  return node.text.replace(/\\(?=[\\`*_{}[\]()>#+\-.!|]|$)/g, "\\\\").replace(/`/g, "\\`");
}

/** Every character that could start or end something, escaped; a text typed in the editor
 * (tabs, spaces before a line end) is tidied so that it reads back. */
export function escapeText(text) {
  return text
    .replace(/[\t\r]/g, " ")
    .replace(/ +\n/g, "\n")
    .replace(/[\\`*_{}[\]|]/g, "\\$&")
    .replace(/&(?=#?\w+;)/g, "&amp;")
    .replace(/<(?=[A-Za-z/!?$])/g, "&lt;")
    .replace(/(^|\n)( {0,3})([#>+-])/g, "$1$2\\$3")
    .replace(/(^|\n)( {0,3}\d+)\./g, "$1$2\\.");
}
