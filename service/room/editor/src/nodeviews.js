// How a `raw` block shows: a labelled box « Markdown gardé tel quel » holding its Markdown in a
// plain text area, edited as text (never as formatted blocks, so nothing in it is lost).
let counter = 0;

export class RawView {
  constructor(node, view, getPos) {
    this.node = node;
    const id = `bloc-brut-${++counter}`;
    this.dom = document.createElement("div");
    this.dom.className = "bloc-brut";
    this.dom.contentEditable = "false";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Markdown gardé tel quel";
    this.area = document.createElement("textarea");
    this.area.id = id;
    this.area.spellcheck = false;
    this.area.value = node.attrs.text;
    this.area.rows = Math.min(12, node.attrs.text.split("\n").length + 1);
    this.area.addEventListener("input", () => {
      const pos = getPos();
      if (pos === undefined) return;
      view.dispatch(view.state.tr.setNodeMarkup(pos, null, { ...this.node.attrs, text: this.area.value }));
    });
    this.dom.append(label, this.area);
  }

  update(node) {
    if (node.type !== this.node.type) return false;
    this.node = node;
    if (this.area.value !== node.attrs.text) this.area.value = node.attrs.text;
    return true;
  }

  selectNode() { this.dom.classList.add("ProseMirror-selectednode"); }

  deselectNode() { this.dom.classList.remove("ProseMirror-selectednode"); }

  // The text area handles its own keys, clicks and typing; the editor stays out of them.
  stopEvent() { return true; }

  ignoreMutation() { return true; }
}
