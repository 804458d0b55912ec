// The editor's document model: the blocks of the site's Markdown, shown as readers see them.
//
// Every block node carries `md`, the exact Markdown it was read from (null when made in the
// editor), and `sep`, the exact text between it and the block before (blank lines). The
// Markdown writer (markdown.js) gives back `md` untouched when the block still reads the same,
// which is what keeps an unchanged file byte-identical; anything the editor cannot show as a
// block is a `raw` node holding its Markdown verbatim, never dropped.
import { Schema } from "prosemirror-model";

const source = { md: { default: null }, sep: { default: "\n\n" } };

export const schema = new Schema({
  nodes: {
    doc: { content: "block+", attrs: { lead: { default: "" }, trail: { default: "\n" } } },

    // A paragraph; with `speaker`, an interview's answer led by the speaker's name
    // (`**Name :**{: .speaker} « … »` in Markdown).
    paragraph: {
      group: "block",
      content: "inline*",
      attrs: { speaker: { default: null }, ...source },
      parseDOM: [{ tag: "p" }],
      toDOM(node) {
        if (!node.attrs.speaker) return ["p", 0];
        return ["p", { class: "answer" },
          ["strong", { class: "speaker", contenteditable: "false" }, `${node.attrs.speaker} :`],
          ["span", { class: "answer-text" }, 0]];
      },
    },

    // Questions are level-2 headings (the « Sommaire » links to them).
    heading: {
      group: "block",
      content: "inline*",
      defining: true,
      attrs: { level: { default: 2 }, ...source },
      parseDOM: [1, 2, 3, 4, 5, 6].map((level) => ({
        tag: `h${level}`, attrs: { level: Math.min(Math.max(level, 2), 4) },
      })),
      toDOM(node) { return [`h${node.attrs.level}`, 0]; },
    },

    blockquote: {
      group: "block",
      content: "block+",
      defining: true,
      attrs: { ...source },
      parseDOM: [{ tag: "blockquote" }],
      toDOM() { return ["blockquote", 0]; },
    },

    bullet_list: {
      group: "block",
      content: "list_item+",
      attrs: { marker: { default: "-" }, ...source },
      parseDOM: [{ tag: "ul" }],
      toDOM() { return ["ul", 0]; },
    },

    ordered_list: {
      group: "block",
      content: "list_item+",
      attrs: { order: { default: 1 }, ...source },
      parseDOM: [{
        tag: "ol",
        getAttrs(dom) {
          return { order: dom.hasAttribute("start") ? +dom.getAttribute("start") || 1 : 1 };
        },
      }],
      toDOM(node) {
        return node.attrs.order === 1 ? ["ol", 0] : ["ol", { start: node.attrs.order }, 0];
      },
    },

    list_item: {
      content: "paragraph block*",
      defining: true,
      parseDOM: [{ tag: "li" }],
      toDOM() { return ["li", 0]; },
    },

    // `![alt](/images/x.jpg "Légende © Crédit")` alone on its line: a figure on the site.
    image: {
      group: "block",
      atom: true,
      draggable: true,
      attrs: { src: {}, alt: { default: "" }, title: { default: "" }, ...source },
      parseDOM: [{
        tag: "img[src]",
        getAttrs(dom) {
          return {
            src: dom.getAttribute("src"),
            alt: dom.getAttribute("alt") || "",
            title: dom.getAttribute("title") || "",
          };
        },
      }],
      toDOM(node) {
        const { src, alt, title } = node.attrs;
        const [caption, credit] = splitTitle(title);
        const parts = ["figure", { class: "bloc-image" }, ["img", { src, alt }]];
        if (caption || credit) {
          parts.push(["figcaption", caption, ...(credit ? [["span", { class: "credit" }, credit]] : [])]);
        }
        return parts;
      },
    },

    // Markdown the editor does not show as a block (a table, HTML, code, a footnote…): kept
    // verbatim, shown as its source, edited as plain text.
    raw: {
      group: "block",
      atom: true,
      attrs: { text: { default: "" }, ...source },
      parseDOM: [{ tag: "pre.bloc-brut", preserveWhitespace: "full", getAttrs: (dom) => ({ text: dom.textContent }) }],
      toDOM(node) {
        return ["pre", { class: "bloc-brut", "data-bloc": "Markdown gardé tel quel" }, node.attrs.text];
      },
    },

    text: { group: "inline" },

    hard_break: {
      inline: true,
      group: "inline",
      selectable: false,
      attrs: { md: { default: null } },
      parseDOM: [{ tag: "br" }],
      toDOM() { return ["br"]; },
    },
  },

  marks: {
    link: {
      attrs: { href: {}, title: { default: null } },
      inclusive: false,
      parseDOM: [{
        tag: "a[href]",
        getAttrs(dom) { return { href: dom.getAttribute("href"), title: dom.getAttribute("title") }; },
      }],
      toDOM(mark) { return ["a", { href: mark.attrs.href, title: mark.attrs.title }, 0]; },
    },
    em: {
      attrs: { marker: { default: "*" } },
      parseDOM: [{ tag: "i" }, { tag: "em" }, { style: "font-style=italic" }],
      toDOM() { return ["em", 0]; },
    },
    strong: {
      attrs: { marker: { default: "**" } },
      parseDOM: [
        { tag: "strong" },
        // Google Docs wraps a whole copy in <b style="font-weight:normal">: not bold.
        { tag: "b", getAttrs: (dom) => dom.style.fontWeight !== "normal" && null },
        { style: "font-weight", getAttrs: (value) => /^(bold(er)?|[6-9]\d\d)$/.test(value) && null },
      ],
      toDOM() { return ["strong", 0]; },
    },
    code: {
      parseDOM: [{ tag: "code" }],
      toDOM() { return ["code", 0]; },
    },
  },
});

/** `"Légende © Crédit"` → ["Légende", "© Crédit"], as plugins/images/content.py reads it. */
export function splitTitle(title) {
  const at = (title || "").indexOf("©");
  if (at < 0) return [(title || "").split(/\s+/).filter(Boolean).join(" "), ""];
  const caption = title.slice(0, at).split(/\s+/).filter(Boolean).join(" ");
  const credit = title.slice(at + 1).split(/\s+/).filter(Boolean).join(" ");
  return [caption, `© ${credit}`];
}
