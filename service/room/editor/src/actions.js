// Everything the toolbar and the keyboard can do, once: French label, ProseMirror keys,
// `aria-keyshortcuts`, what is said in the live region. `run(editor)` gets {view, form,
// announce, pickImage} and returns whether it did something.
import { closeHistory, redo, undo, undoDepth, redoDepth } from "prosemirror-history";
import { NodeSelection } from "prosemirror-state";
import { schema } from "./schema.js";
import {
  blockKind, deleteBlock, insertImage, linkAt, markActive, moveBlock, setLink, toBulletList,
  toOrderedList, toParagraph, toQuestion, toQuote, toAnswer, toggleEm, toggleStrong, wrappers,
} from "./commands.js";
import { askLink, askSpeaker } from "./dialogs.js";
import { speakerNames } from "./speakers.js";

// Each action its own undo step, never merged with the typing just before it.
const apart = (view) => (tr) => view.dispatch(closeHistory(tr));

// A command run on the view, then `said` (a string or a function of the new state) announced,
// or `refused` when it could not apply.
function command(cmd, said, refused = "Ce bloc ne peut pas être converti ainsi.") {
  return ({ view, announce }) => {
    const done = cmd(view.state, apart(view), view);
    const message = done ? (typeof said === "function" ? said(view.state) : said) : refused;
    if (message) announce(message);
    view.focus();
    return done;
  };
}

async function answer({ view, form, announce }) {
  const { $from } = view.state.selection;
  if (view.state.selection instanceof NodeSelection || !$from.parent.isTextblock) {
    announce("Placez le curseur dans un paragraphe pour en faire une réponse.");
    return false;
  }
  const current = $from.parent.attrs.speaker;
  const name = await askSpeaker(speakerNames(form, view.state.doc), current);
  view.focus();
  if (!name) return false;
  const done = toAnswer(name)(view.state, apart(view));
  announce(done ? `Converti en réponse de ${name}.` : "Ce bloc ne peut pas devenir une réponse.");
  return done;
}

async function link({ view, announce }) {
  const current = linkAt(view.state);
  const result = await askLink({ href: current ? current.href : "", needsText: view.state.selection.empty && !current });
  view.focus();
  if (!result) return false;
  const done = setLink(result.href, result.text)(view.state, apart(view));
  if (done) announce(result.href ? "Lien ajouté." : "Lien retiré.");
  return done;
}

/** Puts the image {src, alt, title} after the cursor's block, one undo step, announced. */
export function putImage({ view, announce }, attrs) {
  insertImage(attrs)(view.state, apart(view));
  announce("Image ajoutée.");
}

async function image(editor) {
  const picked = await editor.pickImage();
  editor.view.focus();
  if (!picked) return false;
  putImage(editor, picked);
  return true;
}

const isList = (name) => (state) => wrappers(state).has(name);
const listSaid = (name, on, off) => (state) => (wrappers(state).has(name) ? on : off);

export const ACTIONS = [
  { id: "question", label: "Question", keys: ["Ctrl-Alt-1"], aria: "Control+Alt+1",
    run: command(toQuestion, "Converti en question."), active: (s) => blockKind(s) === "question" },
  { id: "reponse", label: "Réponse", keys: ["Ctrl-Alt-2"], aria: "Control+Alt+2", run: answer,
    active: (s) => blockKind(s) === "answer" },
  { id: "paragraphe", label: "Paragraphe", keys: ["Ctrl-Alt-0"], aria: "Control+Alt+0",
    run: command(toParagraph, "Converti en paragraphe."),
    active: (s) => blockKind(s) === "paragraph" && !wrappers(s).has("list_item") && !wrappers(s).has("blockquote") },
  { id: "puces", label: "Liste à puces", keys: ["Ctrl-Shift-8"], aria: "Control+Shift+8",
    run: command(toBulletList, listSaid("bullet_list", "Converti en liste à puces.", "Liste retirée.")),
    active: isList("bullet_list") },
  { id: "numeros", label: "Liste numérotée", keys: ["Ctrl-Shift-7"], aria: "Control+Shift+7",
    run: command(toOrderedList, listSaid("ordered_list", "Converti en liste numérotée.", "Liste retirée.")),
    active: isList("ordered_list") },
  { id: "citation", label: "Citation", keys: ["Ctrl-Shift-9"], aria: "Control+Shift+9",
    run: command(toQuote, listSaid("blockquote", "Converti en citation.", "Citation retirée.")),
    active: isList("blockquote") },
  { id: "lien", label: "Lien", keys: ["Mod-k"], aria: "Control+K", run: link,
    active: (s) => !!linkAt(s) },
  { id: "image", label: "Image", keys: [], aria: null, run: image },
  { id: "gras", label: "Gras", keys: ["Mod-b"], aria: "Control+B", run: command(toggleStrong, null, null),
    active: (s) => markActive(s, schema.marks.strong) },
  { id: "italique", label: "Italique", keys: ["Mod-i"], aria: "Control+I", run: command(toggleEm, null, null),
    active: (s) => markActive(s, schema.marks.em) },
  { id: "monter", label: "Monter le bloc", keys: ["Alt-Shift-ArrowUp"], aria: "Alt+Shift+ArrowUp",
    run: command(moveBlock(-1), "Bloc déplacé vers le haut.", "Ce bloc est déjà le premier.") },
  { id: "descendre", label: "Descendre le bloc", keys: ["Alt-Shift-ArrowDown"], aria: "Alt+Shift+ArrowDown",
    run: command(moveBlock(1), "Bloc déplacé vers le bas.", "Ce bloc est déjà le dernier.") },
  { id: "supprimer", label: "Supprimer le bloc", keys: ["Ctrl-Shift-Delete"], aria: "Control+Shift+Delete",
    run: command(deleteBlock, "Bloc supprimé.", "Aucun bloc à supprimer ici.") },
  { id: "annuler", label: "Annuler", keys: ["Mod-z"], aria: "Control+Z",
    run: command(undo, "Action annulée.", "Rien à annuler."), enabled: (s) => undoDepth(s) > 0 },
  { id: "retablir", label: "Rétablir", keys: ["Mod-y", "Shift-Mod-z"], aria: "Control+Y Control+Shift+Z",
    run: command(redo, "Action rétablie.", "Rien à rétablir."), enabled: (s) => redoDepth(s) > 0 },
];
