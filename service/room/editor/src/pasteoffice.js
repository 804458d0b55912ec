// What Word (desktop and 365), LibreOffice and Google Docs put in their clipboard HTML that
// is not plain HTML, made plain HTML before paste.js cleans it: Word's « fake lists » real
// lists, its comments gone, Word 365's headings headings, Word's « Citation » paragraphs a
// quote, bold and italic said by a style
// made <strong>/<em> (Google Docs' non-bold wrapper unwrapped), LibreOffice's numbered
// headings out of their list, Google Docs' stray nested lists put in their item.
import { all, rename, unwrap, wrapChildren } from "./pastedom.js";

// Word's comment marks and the comment list at the end of its HTML.
const WORD_COMMENTS = ".msocomanchor,.MsoCommentReference,.MsoCommentText,[style*='mso-element:comment']";
const INLINE_STYLED = /^(SPAN|FONT|A|U|SUP|SUB|S|STRIKE|MARK|SMALL|BIG)$/;

/** The Office quirks of `body` undone, in place; run while styles are still there. */
export function fromOffice(body) {
  body.querySelectorAll(WORD_COMMENTS).forEach((el) => el.remove());
  // Office's own tags: `<o:p>` (an empty line's filler) and VML shapes go, wrappers give up
  // their content.
  for (const el of all(body).filter((node) => node.tagName.includes(":"))) {
    if (/^(O:P|V:)/.test(el.tagName)) el.remove();
    else unwrap(el);
  }
  wordOnlineHeadings(body);
  wordQuotes(body);
  word365Lists(body);
  wordLists(body);
  stylesToMarks(body);
  listsOfHeadings(body);
  strayLists(body);
}

/** Word 365 marks its headings `<p role="heading" aria-level="2">`. */
function wordOnlineHeadings(root) {
  all(root, "[role=heading][aria-level]").forEach((el) => {
    const level = Math.min(Math.max(+el.getAttribute("aria-level") || 2, 1), 6);
    rename(el, `h${level}`);
  });
}

/** Word's « Citation » and « Citation intense » styles: a quote, one for adjacent paragraphs. */
function wordQuotes(root) {
  for (const p of all(root, "p.MsoQuote, p.MsoIntenseQuote")) {
    const before = p.previousElementSibling;
    if (before && before.tagName === "BLOCKQUOTE" && before.dataset.word === "quote") {
      before.append(p);
      continue;
    }
    const quote = p.ownerDocument.createElement("blockquote");
    quote.dataset.word = "quote";
    p.before(quote);
    quote.append(p);
  }
}

/**
 * Word 365's list items (each in a list of its own in a `ListContainerWrapper`, its level in
 * `data-aria-level`) made Word desktop's list paragraphs, so one reading (wordLists) nests both.
 */
function word365Lists(root) {
  for (const wrapper of all(root, "div.ListContainerWrapper")) {
    const paragraphs = all(wrapper, "li[data-aria-level]").map((li) => {
      const p = li.ownerDocument.createElement("p");
      p.setAttribute("style", `mso-list:l0 level${+li.getAttribute("data-aria-level") || 1} lfo1`);
      const marker = li.ownerDocument.createElement("span");
      marker.setAttribute("style", "mso-list:Ignore");
      const number = +li.getAttribute("data-aria-posinset") || 1;
      marker.textContent = li.parentElement.tagName === "OL" ? `${number}.` : "·";
      p.append(marker);
      for (const child of Array.from(li.childNodes)) p.append(...(child.nodeName === "P" ? child.childNodes : [child]));
      return p;
    });
    if (paragraphs.length) wrapper.replaceWith(...paragraphs);
  }
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
    if (!INLINE_STYLED.test(tag)) continue;
    if (heavy && tag !== "B" && tag !== "STRONG") wrapChildren(el, "strong");
    if (fontStyle === "italic" && tag !== "I" && tag !== "EM") wrapChildren(el, "em");
  }
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

