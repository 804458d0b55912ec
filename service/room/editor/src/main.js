// The writing room's visual editor: mounted over the editor form's « Texte » field, which it
// keeps filled with the Markdown (and told, by an `input` event, of every change), so every
// button of the form (save, preview, publish) and the page's other scripts work as without
// JavaScript. « Modifier le Markdown » shows the field itself; what is typed there (or put there
// by another script, which then sends an `input` event) is read back into the editor.
import { EditorState, TextSelection } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { history } from "prosemirror-history";
import { keymap } from "prosemirror-keymap";
import { baseKeymap } from "prosemirror-commands";
import { dropCursor } from "prosemirror-dropcursor";
import { gapCursor } from "prosemirror-gapcursor";
import { schema } from "./schema.js";
import { parseMarkdown, serializeMarkdown } from "./markdown.js";
import { optionsFromForm, pickImage, uploadDropped } from "./images.js";
import { pasteProps } from "./paste.js";
import { announcer } from "./announce.js";
import { ACTIONS, putImage } from "./actions.js";
import { actionKeys, markdownRules, saveShortcut } from "./keys.js";
import { RawView } from "./nodeviews.js";
import { addPersonWithoutReload } from "./speakers.js";
import { toolbar } from "./toolbar.js";
import { startAutosave } from "./autosave.js";
import { startLivePreview } from "./preview.js";

export { schema };

const FROM_FIELD = "editeur-depuis-le-champ";

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text) node.textContent = text;
  return node;
}

function imageFile(transfer) {
  const files = transfer ? Array.from(transfer.files || []) : [];
  return files.find((file) => /^image\/(jpeg|png|webp)$/.test(file.type)) || null;
}

// The image the picker answers, as a block after the one at `pos` (or the cursor's).
async function insertUpload(editor, picked, pos) {
  const attrs = await picked;
  const { view } = editor;
  view.focus();
  if (!attrs) return;
  if (pos !== null) {
    const $pos = view.state.doc.resolve(Math.min(pos, view.state.doc.content.size));
    view.dispatch(view.state.tr.setSelection(TextSelection.near($pos)));
  }
  putImage(editor, attrs);
}

// An empty text (a new article) ends, once typed, with a newline, as files do; any other text
// keeps its own ending (an unchanged file stays byte-identical).
function firstDoc(text) {
  const doc = parseMarkdown(text);
  return text ? doc : schema.node("doc", { ...doc.attrs, trail: "\n" }, doc.content);
}

export function mount(form) {
  const area = form.querySelector("textarea#texte");
  if (!area) return null;
  const field = area.closest(".field") || area;
  const box = element("div", "editeur");
  const host = element("div", "editeur-texte");
  const toggle = element("button", "secondary editeur-bascule", "Modifier le Markdown");
  toggle.type = "button";
  toggle.setAttribute("aria-pressed", "false");
  toggle.setAttribute("aria-controls", "texte");
  const images = () => optionsFromForm(form);
  const editor = { view: null, form, announce: announcer(box), pickImage: () => pickImage(images()) };
  const bar = toolbar(editor, "texte-editeur");
  box.prepend(bar.element, host, toggle);
  field.after(box);

  const answerAction = ACTIONS.find((action) => action.id === "reponse");
  let written = area.value;
  const view = new EditorView(host, {
    state: EditorState.create({
      doc: firstDoc(area.value),
      plugins: [markdownRules(), actionKeys(editor), keymap(baseKeymap), history(), dropCursor(), gapCursor()],
    }),
    nodeViews: { raw: (node, v, getPos) => new RawView(node, v, getPos) },
    attributes: {
      id: "texte-editeur",
      role: "textbox",
      "aria-multiline": "true",
      "aria-label": "Texte de l’article",
      "aria-describedby": area.getAttribute("aria-describedby") || "",
      spellcheck: "true",
    },
    ...pasteProps(schema),
    // A photo dropped or pasted as a file: sent to the library (its alt text asked first), then
    // put where it was dropped.
    handleDrop(v, event, slice, moved) {
      const file = !moved && imageFile(event.dataTransfer);
      if (!file) return false;
      const at = v.posAtCoords({ left: event.clientX, top: event.clientY });
      insertUpload(editor, uploadDropped(file, images()), at ? at.pos : null);
      return true;
    },
    handlePaste(v, event) {
      const file = imageFile(event.clipboardData);
      if (!file || event.clipboardData.getData("text/html")) return false;
      insertUpload(editor, uploadDropped(file, images()), null);
      return true;
    },
    handleDOMEvents: {
      // The speaker's name is not text: a click on it asks who answers instead.
      click(v, event) {
        const name = event.target.closest && event.target.closest(".speaker");
        if (!name) return false;
        const pos = v.posAtDOM(name.parentNode, 0);
        v.dispatch(v.state.tr.setSelection(TextSelection.near(v.state.doc.resolve(pos))));
        answerAction.run(editor);
        return true;
      },
    },
    dispatchTransaction(tr) {
      view.updateState(view.state.apply(tr));
      bar.update(view.state);
      if (!tr.docChanged || tr.getMeta(FROM_FIELD)) return;
      written = serializeMarkdown(view.state.doc);
      area.value = written;
      area.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
  editor.view = view;
  // The field's hint spoke of Markdown and of the buttons below it: say what this editor does.
  const hint = document.getElementById("texte-aide");
  if (hint) {
    hint.textContent = "Écrivez comme l’article paraîtra : la barre d’outils ou le clavier ajoute "
      + "questions, réponses, listes, citations, liens et images ; « Modifier le Markdown » montre "
      + "le texte source.";
  }
  bar.update(view.state);
  area.hidden = true;

  // The field's label leads to the editor while the field is hidden.
  const label = form.querySelector("label[for=texte]");
  if (label) label.addEventListener("click", (event) => { if (area.hidden) { event.preventDefault(); view.focus(); } });

  // Whatever changes the field (typing in it, a script restoring kept text) is read back into
  // the editor, as one undoable step, and not written back over what is being typed.
  area.addEventListener("input", () => {
    if (area.value === written) return;
    written = area.value;
    const doc = parseMarkdown(written);
    const tr = view.state.tr.replaceWith(0, view.state.doc.content.size, doc.content);
    Object.entries(doc.attrs).forEach(([name, value]) => tr.setDocAttribute(name, value));
    view.dispatch(tr.setMeta(FROM_FIELD, true));
  });

  toggle.addEventListener("click", () => {
    const showMarkdown = area.hidden;
    area.hidden = !showMarkdown;
    host.hidden = showMarkdown;
    bar.element.hidden = showMarkdown;
    toggle.setAttribute("aria-pressed", String(showMarkdown));
    if (showMarkdown) area.focus();
    else view.focus();
    editor.announce(showMarkdown ? "Le Markdown du texte est affiché." : "Le texte est affiché tel que les lecteurs le verront.");
  });

  addPersonWithoutReload(form, editor.announce);
  saveShortcut(form);
  return view;
}

function start() {
  const form = document.querySelector("form.editor");
  if (!form) return;
  mount(form);
  startAutosave(form);
  startLivePreview(form);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
