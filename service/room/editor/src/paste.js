// Paste into the editor: clipboard HTML from Word (desktop and 365), LibreOffice Writer,
// Google Docs or a web page cleaned down to what the schema keeps (headings, paragraphs,
// lists, quotes, links, bold, italic), and plain text read as paragraphs and lists
// (pastetext.js). Everything else (styles, fonts, colours, classes, comments, Office's
// markup) goes, so nothing foreign reaches the article's Markdown; nothing becomes code.
import { DOMParser as SchemaParser } from "prosemirror-model";
import { addressPieces, listLine, textToHTML } from "./pastetext.js";

export { textToHTML };

const DROPPED = "head,meta,style,script,title,link,template,noscript,iframe,object,embed,svg,math,"
  + "xml,button,input,select,textarea,form,nav";
// Word's comment marks and the comment list at the end of its HTML.
const WORD_COMMENTS = ".msocomanchor,.MsoCommentReference,.MsoCommentText,[style*='mso-element:comment']";
const BLOCKS = new Set(["P", "H1", "H2", "H3", "H4", "H5", "H6", "LI", "BLOCKQUOTE", "UL", "OL",
  "DIV", "PRE", "TABLE", "TBODY", "THEAD", "TFOOT", "TR", "TD", "TH", "FIGURE", "FIGCAPTION",
  "SECTION", "ARTICLE", "HEADER", "FOOTER", "ASIDE", "MAIN", "ADDRESS", "DL", "DT", "DD", "HR"]);
// Attributes the schema reads; every other one (style, class, id, lang, dir…) goes.
const KEPT = { A: ["href", "title"], IMG: ["src", "alt", "title"], OL: ["start"] };
const LINE = "P,H1,H2,H3,H4,H5,H6,LI";
const TEXT_BLOCK = "P,H1,H2,H3,H4,H5,H6";

/** The editor's `transformPastedHTML`: clipboard HTML cleaned for the schema's parse rules. */
export function transformPastedHTML(html) {
  // The editor's own copy (ProseMirror marks it) is already the schema's: kept as it is.
  if (/data-pm-slice=/.test(html)) return html;
  const doc = new window.DOMParser().parseFromString(html, "text/html");
  const body = doc.body;
  dropComments(body);
  body.querySelectorAll(`${DROPPED},${WORD_COMMENTS}`).forEach((el) => el.remove());
  // Office's own tags (`<o:p>`, `<v:shape>`, `<w:Sdt>`…): a prefix in the tag name.
  // Office's own tags: `<o:p>` (an empty line's filler) and VML shapes go, wrappers give
  // up their content.
  for (const el of all(body).filter((node) => node.tagName.includes(":"))) {
    if (/^(O:P|V:)/.test(el.tagName)) el.remove();
    else unwrap(el);
  }
  wordOnlineHeadings(body);
  wordLists(body);
  stylesToMarks(body);
  preToParagraphs(body);
  all(body).forEach(cleanElement);
  all(body, "div").forEach(divToBlock);
  all(body, "h1,h2,h3,h4,h5,h6").forEach((h) => h.querySelectorAll("b,strong").forEach(unwrap));
  listsOfHeadings(body);
  strayLists(body);
  typedLists(body);
  mergeLists(body);
  linkAddresses(body);
  trimBlocks(body);
  return body.innerHTML;
}

/** The editor's `clipboardTextParser`: plain text as paragraphs and lists, addresses linked. */
export function clipboardTextParser(schema, text, $context, view) {
  const dom = (view ? view.dom.ownerDocument : document).createElement("div");
  dom.innerHTML = textToHTML(text);
  return SchemaParser.fromSchema(schema).parseSlice(dom, { context: $context });
}

/** What ui20's EditorView spreads into its props. */
export function pasteProps(schema) {
  return {
    transformPastedHTML,
    clipboardTextParser: (text, $context, plain, view) => clipboardTextParser(schema, text, $context, view),
  };
}

function all(root, selector = "*") {
  return Array.from(root.querySelectorAll(selector));
}

function unwrap(el) {
  el.replaceWith(...el.childNodes);
}

function rename(el, tag) {
  const made = el.ownerDocument.createElement(tag);
  made.append(...el.childNodes);
  el.replaceWith(made);
  return made;
}

/** `<!-- -->`, Word's `<!--[if …]>…<![endif]-->` and `<![if !supportLists]>` (parsed as comments). */
function dropComments(root) {
  const walker = root.ownerDocument.createTreeWalker(root, 128 /* NodeFilter.SHOW_COMMENT */);
  const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  comments.forEach((comment) => comment.remove());
}

/** Word 365 marks its headings `<p role="heading" aria-level="2">`. */
function wordOnlineHeadings(root) {
  all(root, "[role=heading][aria-level]").forEach((el) => {
    const level = Math.min(Math.max(+el.getAttribute("aria-level") || 2, 1), 6);
    rename(el, `h${level}`);
  });
}

/** A Word paragraph's list level (`mso-list:l0 level2 lfo1`), or 0 when it is no list item. */
function wordLevel(el) {
  const style = el.getAttribute("style") || "";
  const found = /mso-list:\s*l\d+\s+level(\d+)/i.exec(style);
  if (found) return +found[1];
  return /^MsoListParagraph/i.test(el.className) && !/mso-list:\s*none/i.test(style) ? 1 : 0;
}

/** Word's list marker (« · », « o », « § », « 1. »), taken out of the paragraph; null if none. */
function takeWordMarker(el) {
  const marker = all(el, "span").find((span) => /mso-list:\s*ignore/i.test(span.getAttribute("style") || ""));
  if (!marker) return null;
  const text = marker.textContent.replace(/[\s\u00a0]+/g, " ").trim();
  // Its wrapper (the Symbol font span) goes with it when it holds nothing else.
  const wrapper = marker.parentElement;
  const alone = wrapper !== el && wrapper.textContent.trim() === marker.textContent.trim();
  (alone ? wrapper : marker).remove();
  return text;
}

/**
 * Word's « fake lists » (paragraphs with `mso-list` and a typed marker) made real lists,
 * nested by their level; a numbered heading keeps being a heading, without its number.
 */
function wordLists(root) {
  let stack = []; // [{list, level}] of the lists being filled, outermost first
  for (const el of all(root, "p,h1,h2,h3,h4,h5,h6")) {
    const level = wordLevel(el);
    if (!level) continue;
    const marker = takeWordMarker(el);
    // A numbered heading stays a heading; a marker Word typed as text is for typedLists.
    if (el.tagName !== "P" || marker === null) continue;
    const ordered = /^\(?[0-9a-zA-Z]{1,5}[.)]$/.test(marker);
    // Only the paragraph right after the list (as far as it got) goes on with it.
    if (!stack.length || el.previousElementSibling !== stack[0].list) stack = [];
    while (stack.length && stack[stack.length - 1].level > level) stack.pop();
    let top = stack[stack.length - 1];
    if (top && top.level === level && (top.list.tagName === "OL") !== ordered) {
      stack.pop();
      top = stack[stack.length - 1];
    }
    if (!top || top.level < level) {
      const list = el.ownerDocument.createElement(ordered ? "ol" : "ul");
      const start = ordered && /^\d+/.exec(marker);
      if (start && +start[0] !== 1) list.setAttribute("start", start[0]);
      if (top && top.list.lastElementChild) top.list.lastElementChild.append(list);
      else el.before(list);
      top = { list, level };
      stack.push(top);
    }
    const item = el.ownerDocument.createElement("li");
    item.append(rename(el, "p"));
    top.list.append(item);
  }
}

/** Bold and italic said by a style (Google Docs, LibreOffice) made `<strong>`/`<em>`. */
function stylesToMarks(root) {
  for (const el of all(root)) {
    const { fontWeight, fontStyle } = el.style;
    const tag = el.tagName;
    const heavy = /^(bold(er)?|[6-9]00)$/.test(fontWeight);
    const light = /^(normal|lighter|[1-5]00)$/.test(fontWeight);
    // Google Docs wraps a whole copy in <b style="font-weight:normal">: not bold.
    if ((tag === "B" || tag === "STRONG") && light) {
      unwrap(el);
      continue;
    }
    if ((tag === "I" || tag === "EM") && fontStyle === "normal") {
      unwrap(el);
      continue;
    }
    if (BLOCKS.has(tag) || /^H\d$/.test(tag)) continue;
    if (heavy && tag !== "B" && tag !== "STRONG") wrapChildren(el, "strong");
    if (fontStyle === "italic" && tag !== "I" && tag !== "EM") wrapChildren(el, "em");
  }
}

function wrapChildren(el, tag) {
  const wrapper = el.ownerDocument.createElement(tag);
  wrapper.append(...el.childNodes);
  el.append(wrapper);
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
  if (tag === "A") {
    const href = el.getAttribute("href") || "";
    // Word's bookmarks, comment and footnote anchors, local files: text, not links.
    if (!/^(https?:|mailto:|\/)/i.test(href)) unwrap(el);
  } else if (tag === "IMG") {
    // Word's `file:///…/clip_image001.png` and pasted data: only an address on the web is an image.
    if (!/^(https?:\/\/|\/)/i.test(el.getAttribute("src") || "")) el.remove();
  } else if (/^(SPAN|FONT|U|S|STRIKE|DEL|INS|MARK|SMALL|BIG|SUB|SUP|ABBR|CITE|Q|DFN|TIME|LABEL|CODE|TT|KBD|SAMP|VAR|NOBR|CENTER)$/.test(tag)) {
    unwrap(el);
  }
}

/** A `<div>` holding blocks is only a wrapper; one holding text is a paragraph (Gmail, web pages). */
function divToBlock(div) {
  if (!div.isConnected) return;
  const children = Array.from(div.childNodes).filter((node) => node.nodeType !== 3 || node.data.trim());
  if (children.length && children.every((node) => node.nodeType === 1 && BLOCKS.has(node.tagName))) unwrap(div);
  else if (children.length && !children.some((node) => node.nodeType === 1 && BLOCKS.has(node.tagName))) rename(div, "p");
}

/** LibreOffice numbers headings with a list (`<ol><li><h2>`): the headings stay, the list goes. */
function listsOfHeadings(root) {
  for (const li of all(root, "li").reverse()) {
    const children = Array.from(li.children);
    if (children.length && children.every((child) => /^H\d$/.test(child.tagName)) && !ownText(li)) unwrap(li);
  }
  for (const list of all(root, "ul,ol").reverse()) {
    if (!Array.from(list.children).some((child) => child.tagName === "LI")) unwrap(list);
  }
}

function ownText(el) {
  return Array.from(el.childNodes).some((node) => node.nodeType === 3 && node.data.trim());
}

/** A list put straight in a list (Google Docs' nesting) goes into the item before it. */
function strayLists(root) {
  for (const list of all(root, "ul > ul, ul > ol, ol > ul, ol > ol")) {
    const item = list.previousElementSibling;
    if (item && item.tagName === "LI") item.append(list);
  }
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
  const walker = p.ownerDocument.createTreeWalker(p, 4 /* NodeFilter.SHOW_TEXT */);
  let left = p.textContent.length - listLine(p.textContent).text.length;
  while (left > 0 && walker.nextNode()) {
    const text = walker.currentNode;
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
  const walker = root.ownerDocument.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const text of texts) {
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
 * Tabs made spaces, each line's leading spaces, tabs and no-break spaces dropped (a tab-led line
 * is never code), `<br>` at a block's end or between blocks dropped, empty paragraphs removed.
 */
function trimBlocks(root) {
  const walker = root.ownerDocument.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  while (walker.nextNode()) walker.currentNode.data = walker.currentNode.data.replace(/\t+/g, " ");
  for (const br of all(root, "br")) {
    const parent = br.parentElement;
    const inLine = parent.closest(LINE);
    if (!inLine || !textBetweenEdges(br, inLine, "after") || !textBetweenEdges(br, inLine, "before")) br.remove();
  }
  for (const block of all(root, TEXT_BLOCK)) {
    trimEdge(block, "first");
    trimEdge(block, "last");
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

function trimEdge(block, edge) {
  const walker = block.ownerDocument.createTreeWalker(block, 4 /* NodeFilter.SHOW_TEXT */);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  if (edge === "last") texts.reverse();
  for (const text of texts) {
    text.data = edge === "first" ? text.data.replace(/^[\s\u00a0]+/, "") : text.data.replace(/[\s\u00a0]+$/, "");
    if (text.data) break;
  }
}
