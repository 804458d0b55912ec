// Paste into the editor: clipboard HTML from Word (desktop and 365), LibreOffice Writer,
// Google Docs or a web page cleaned down to what the schema keeps (headings, paragraphs,
// lists, quotes, links, bold, italic), and plain text read as paragraphs and lists
// (pastetext.js). Everything else (styles, fonts, colours, classes, comments, Office's
// markup) goes, so nothing foreign reaches the article's Markdown; nothing becomes code.
import { DOMParser as SchemaParser, Slice } from "prosemirror-model";
import { all, nodes, rename, unwrap } from "./pastedom.js";
import { fromOffice } from "./pasteoffice.js";
import { addressPieces, linkAddress, listLine, siteImage, textToHTML } from "./pastetext.js";

export { textToHTML };

// Never content: a <form> is not here, as some sites wrap their whole page in one.
const DROPPED = "head,meta,style,script,title,link,template,noscript,iframe,object,embed,svg,math,"
  + "xml,button,input,select,textarea,nav";
const BLOCKS = new Set(["P", "H1", "H2", "H3", "H4", "H5", "H6", "LI", "BLOCKQUOTE", "UL", "OL",
  "DIV", "PRE", "TABLE", "TBODY", "THEAD", "TFOOT", "TR", "TD", "TH", "FIGURE", "FIGCAPTION",
  "SECTION", "ARTICLE", "HEADER", "FOOTER", "ASIDE", "MAIN", "ADDRESS", "DL", "DT", "DD", "HR"]);
// Attributes the schema reads; every other one (style, class, id, lang, dir…) goes.
const KEPT = { A: ["href", "title"], IMG: ["src", "alt", "title"], OL: ["start"] };
const LINE = "P,H1,H2,H3,H4,H5,H6,LI";
const TEXT_BLOCK = "P,H1,H2,H3,H4,H5,H6";
// A few words pasted between two others keep the spaces around them, which ProseMirror's
// parser drops at a block's edges: they cross it as no-break spaces, made spaces again after.
const JOINING = "\u00a0";
const LEADING = /^[\s\u00a0]*/;
const TRAILING = /[\s\u00a0]*$/;

/** The editor's `transformPastedHTML`: clipboard HTML cleaned for the schema's parse rules. */
export function transformPastedHTML(html) {
  const body = new window.DOMParser().parseFromString(html, "text/html").body;
  // The editor's own copy (ProseMirror marks it) is already the schema's: kept as it is but
  // for its addresses, since any page can carry the mark.
  if (body.querySelector("[data-pm-slice]")) {
    all(body, "a,img").forEach(checkAddress);
    return body.innerHTML;
  }
  // `<!-- -->`, Word's `<!--[if …]>…<![endif]-->` and `<![if !supportLists]>` (comments too).
  nodes(body, 128).forEach((comment) => comment.remove());
  body.querySelectorAll(DROPPED).forEach((el) => el.remove());
  fromOffice(body);
  preToParagraphs(body);
  all(body).forEach(cleanElement);
  all(body, "div").forEach(divToBlock);
  all(body, "h1,h2,h3,h4,h5,h6").forEach((h) => h.querySelectorAll("b,strong").forEach(unwrap));
  typedLists(body);
  mergeLists(body);
  linkAddresses(body);
  all(body, "strong,b,em,i,a").forEach(spacesOutside);
  trimBlocks(body);
  if (!body.querySelector(`${LINE},UL,OL,BLOCKQUOTE,IMG`)) joiningSpaces(body);
  return body.innerHTML;
}

/** The editor's `transformPasted`: the joining spaces of an inline paste made spaces again. */
export function transformPasted(slice) {
  let content = atEdge(slice.content, 0, (text) => text.replace(/^\u00a0/, " "));
  content = atEdge(content, -1, (text) => text.replace(/\u00a0$/, " "));
  return new Slice(content, slice.openStart, slice.openEnd);
}

function joiningSpaces(body) {
  const texts = nodes(body, 4).filter((text) => text.data);
  if (!texts.length) return;
  const [first, last] = [texts[0], texts[texts.length - 1]];
  first.data = first.data.replace(/^[\s\u00a0]+/, JOINING);
  last.data = last.data.replace(/[\s\u00a0]+$/, JOINING);
}

/** `fragment` with its first (0) or last (-1) text node changed by `change`. */
function atEdge(fragment, side, change) {
  if (!fragment.childCount) return fragment;
  const index = side === 0 ? 0 : fragment.childCount - 1;
  const child = fragment.child(index);
  const changed = child.isText
    ? child.type.schema.text(change(child.text), child.marks)
    : child.copy(atEdge(child.content, side, change));
  return fragment.replaceChild(index, changed);
}

/** The editor's `clipboardTextParser`: plain text as paragraphs and lists, addresses linked. */
export function clipboardTextParser(schema, text, $context, view) {
  const dom = (view ? view.dom.ownerDocument : document).createElement("div");
  dom.innerHTML = textToHTML(text);
  // The spaces textToHTML kept are the ones that join the paste to the text around it.
  return SchemaParser.fromSchema(schema).parseSlice(dom, { context: $context, preserveWhitespace: true });
}

/** What ui20's EditorView spreads into its props. */
export function pasteProps(schema) {
  return {
    transformPastedHTML,
    transformPasted,
    clipboardTextParser: (text, $context, plain, view) => clipboardTextParser(schema, text, $context, view),
  };
}

/** Preformatted text (a web page's `<pre>`, LibreOffice's « Texte préformaté »): one paragraph a line. */
function preToParagraphs(root) {
  for (const pre of all(root, "pre")) {
    const lines = pre.textContent.split(/\r\n?|\n/).filter((line) => line.trim());
    const paragraphs = lines.map((line) => {
      const p = pre.ownerDocument.createElement("p");
      p.textContent = line;
      return p;
    });
    pre.replaceWith(...paragraphs);
  }
}

/** One element stripped to what the schema reads: foreign tags unwrapped, attributes gone. */
function cleanElement(el) {
  if (!el.isConnected) return;
  const tag = el.tagName;
  for (const name of el.getAttributeNames()) {
    if (!(KEPT[tag] || []).includes(name)) el.removeAttribute(name);
  }
  if (tag === "A" || tag === "IMG") {
    checkAddress(el);
  } else if (/^(SPAN|FONT|U|S|STRIKE|DEL|INS|MARK|SMALL|BIG|SUB|SUP|ABBR|CITE|Q|DFN|TIME|LABEL|CODE|TT|KBD|SAMP|VAR|NOBR|CENTER)$/.test(tag)) {
    unwrap(el);
  }
}

/** A link to a page or mail address, or an image of the site's own, else no link or image. */
function checkAddress(el) {
  if (el.tagName === "A") {
    const href = linkAddress(el.getAttribute("href") || "");
    if (href) el.setAttribute("href", href);
    else unwrap(el);
  } else {
    // Word's `file:///…/clip_image001.png`, `data:` and other sites' pictures go.
    const src = siteImage(el.getAttribute("src") || "", window.location.origin);
    if (src) el.setAttribute("src", src);
    else el.remove();
  }
}

/** A `<div>` holding blocks is only a wrapper; one holding text is a paragraph (Gmail, web pages). */
function divToBlock(div) {
  if (!div.isConnected) return;
  const children = Array.from(div.childNodes).filter((node) => node.nodeType !== 3 || node.data.trim());
  if (children.length && children.every((node) => node.nodeType === 1 && BLOCKS.has(node.tagName))) unwrap(div);
  else if (children.length && !children.some((node) => node.nodeType === 1 && BLOCKS.has(node.tagName))) rename(div, "p");
}

/** A paragraph whose lines are typed list items (« – le pain<br>– les fromages ») made one a line. */
function splitTypedLines(p) {
  const lines = [[]];
  for (const node of Array.from(p.childNodes)) {
    if (node.nodeName === "BR") lines.push([]);
    else lines[lines.length - 1].push(node);
  }
  const text = (nodes) => nodes.map((node) => node.textContent).join("");
  if (lines.length < 2 || !lines.slice(1).some((nodes) => listLine(text(nodes)))) return [p];
  const made = lines.filter((nodes) => text(nodes).trim()).map((nodes) => {
    const line = p.ownerDocument.createElement("p");
    line.append(...nodes);
    return line;
  });
  p.replaceWith(...made);
  return made;
}

/** Runs of paragraphs typed « • Café », « – Café », « 1. Café » made lists. */
function typedLists(root) {
  let list = null;
  for (const p of all(root, "p").flatMap(splitTypedLines)) {
    if (p.parentElement && p.parentElement.tagName === "LI") continue;
    const item = listLine(p.textContent);
    const kind = item && item.kind;
    if (!kind) {
      list = null;
      continue;
    }
    if (!list || list.tagName.toLowerCase() !== kind || p.previousElementSibling !== list) {
      list = p.ownerDocument.createElement(kind);
      if (kind === "ol" && item.number !== 1) list.setAttribute("start", item.number);
      p.before(list);
    }
    dropTypedMarker(p);
    const li = p.ownerDocument.createElement("li");
    list.append(li);
    li.append(p);
  }
}

/** The typed marker taken off the paragraph's first text, wherever it sits (in a <strong>…). */
function dropTypedMarker(p) {
  let left = p.textContent.length - listLine(p.textContent).text.length;
  for (const text of nodes(p, 4)) {
    if (left <= 0) break;
    const cut = Math.min(left, text.data.length);
    text.data = text.data.slice(cut);
    left -= cut;
  }
}

/** Word 365 puts each list item in a list of its own: adjacent lists of one kind are one. */
function mergeLists(root) {
  for (const list of all(root, "ul,ol")) {
    const before = list.previousElementSibling;
    if (before && before.tagName === list.tagName && !textBetween(before, list)) {
      before.append(...list.childNodes);
      list.remove();
    }
  }
}

function textBetween(a, b) {
  let text = "";
  for (let node = a.nextSibling; node && node !== b; node = node.nextSibling) text += node.textContent;
  return text.trim();
}

/** Bare addresses in the text (not already in a link) made links. */
function linkAddresses(root) {
  for (const text of nodes(root, 4)) {
    if (text.parentElement.closest("a")) continue;
    const pieces = addressPieces(text.data);
    if (!pieces.some((piece) => piece.href)) continue;
    text.replaceWith(...pieces.map((piece) => {
      if (!piece.href) return piece.text;
      const a = root.ownerDocument.createElement("a");
      a.setAttribute("href", piece.href);
      a.textContent = piece.text;
      return a;
    }));
  }
}

/**
 * Spaces at the edges of bold, italic or a link (Google Docs' « <span bold>is bold </span> »)
 * moved out of it: in Markdown `**is bold **` is no bold at all.
 */
function spacesOutside(el) {
  const texts = nodes(el, 4);
  if (strip(texts, LEADING)) el.before(" ");
  if (strip(texts.reverse(), TRAILING)) el.after(" ");
}

/** Blanks taken off one edge of `texts` (listed from that edge); whether there were any. */
function strip(texts, edge) {
  let found = false;
  for (const text of texts) {
    const blank = edge.exec(text.data)[0];
    found = found || blank.length > 0;
    text.data = edge === LEADING ? text.data.slice(blank.length) : text.data.slice(0, text.data.length - blank.length);
    if (text.data) break;
  }
  return found;
}

/**
 * Tabs made spaces, each line's leading spaces, tabs and no-break spaces dropped (a tab-led line
 * is never code), `<br>` at a block's end or between blocks dropped, empty paragraphs removed.
 */
function trimBlocks(root) {
  nodes(root, 4).forEach((text) => { text.data = text.data.replace(/\t+/g, " "); });
  for (const br of all(root, "br")) {
    const parent = br.parentElement;
    const inLine = parent.closest(LINE);
    if (!inLine || !textBetweenEdges(br, inLine, "after") || !textBetweenEdges(br, inLine, "before")) br.remove();
  }
  for (const block of all(root, TEXT_BLOCK)) {
    strip(nodes(block, 4), LEADING);
    strip(nodes(block, 4).reverse(), TRAILING);
    if (!block.textContent.replace(/[\s\u00a0\u200b]+/g, "") && !block.querySelector("img")) block.remove();
  }
  for (const li of all(root, "li").reverse()) {
    if (!li.textContent.trim() && !li.querySelector("img")) li.remove();
  }
  for (const list of all(root, "ul,ol").reverse()) {
    if (!list.querySelector("li")) list.remove();
  }
}

/** Whether the line has text on that side of `node`. */
function textBetweenEdges(node, line, side) {
  const range = line.ownerDocument.createRange();
  range.selectNodeContents(line);
  if (side === "after") range.setStartAfter(node);
  else range.setEndBefore(node);
  return range.toString().replace(/[\s\u00a0]+/g, "") !== "";
}
