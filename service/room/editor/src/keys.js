// The keyboard: every action's shortcut (actions.js), Ctrl+S anywhere on the page, and the
// Markdown habits typed at the start of a paragraph (`## `, `- `, `* `, `1. `, `> `).
import { keymap } from "prosemirror-keymap";
import { inputRules, textblockTypeInputRule, wrappingInputRule } from "prosemirror-inputrules";
import { splitListItem, liftListItem, sinkListItem } from "prosemirror-schema-list";
import { schema } from "./schema.js";
import { ACTIONS } from "./actions.js";

/** The actions' shortcuts, run with `editor` ({view, form, announce, pickImage}). */
export function actionKeys(editor) {
  const bindings = {};
  ACTIONS.forEach((action) => action.keys.forEach((key) => {
    bindings[key] = () => { action.run(editor); return true; };
  }));
  const item = schema.nodes.list_item;
  bindings.Enter = splitListItem(item);
  bindings["Mod-]"] = sinkListItem(item);
  bindings["Mod-["] = liftListItem(item);
  return keymap(bindings);
}

export function markdownRules() {
  const { heading, bullet_list, ordered_list, blockquote } = schema.nodes;
  return inputRules({ rules: [
    textblockTypeInputRule(/^##\s$/, heading, { level: 2 }),
    wrappingInputRule(/^\s*([-*])\s$/, bullet_list, (match) => ({ marker: match[1] })),
    wrappingInputRule(/^(\d+)\.\s$/, ordered_list, (match) => ({ order: +match[1] }),
      (match, node) => node.childCount + node.attrs.order === +match[1]),
    wrappingInputRule(/^\s*>\s$/, blockquote),
  ] });
}

/** Ctrl+S (⌘S) anywhere on the page clicks the form's first « Enregistrer ». */
export function saveShortcut(form) {
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "s") {
      const save = form.querySelector("button[name=action][value=enregistrer]");
      if (!save) return;
      event.preventDefault();
      save.click();
    }
  });
}
