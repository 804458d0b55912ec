"""The paste tests' page and readings (tests/room/editor/test_paste.py): the editor's paste
module, schema and ProseMirror bundled by the pinned esbuild into a blank page, the clipboard
samples pasted through it, and the resulting document read as blocks and marks."""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "room" / "editor" / "samples"
SRC = ROOT / "service" / "room" / "editor" / "src"

# The page's script: the editor's own paste module, schema, Markdown and ProseMirror, bundled
# by the pinned esbuild. `window.pasted(html)` parses as ProseMirror does after
# transformPastedHTML, writes the article's Markdown (markdown.js) and reads it back;
# `window.editor` is a real EditorView with pasteProps.
ENTRY = f"""
import {{ DOMParser }} from "prosemirror-model";
import {{ EditorState, TextSelection }} from "prosemirror-state";
import {{ EditorView }} from "prosemirror-view";
import {{ schema }} from {json.dumps(str(SRC / "schema.js"))};
import {{ pasteProps, transformPastedHTML }} from {json.dumps(str(SRC / "paste.js"))};
import {{ parseMarkdown, serializeMarkdown }} from {json.dumps(str(SRC / "markdown.js"))};

window.transformPastedHTML = transformPastedHTML;
window.pasted = (html) => {{
  const clean = transformPastedHTML(html);
  const dom = document.createElement("div");
  dom.innerHTML = clean;
  const doc = DOMParser.fromSchema(schema).parse(dom);
  const markdown = serializeMarkdown(doc);
  return {{ clean, doc: doc.toJSON(), markdown, back: parseMarkdown(markdown).toJSON() }};
}};
window.resetEditor = (text, at) => {{
  const paragraph = schema.node("paragraph", null, text ? [schema.text(text)] : []);
  const state = EditorState.create({{ doc: schema.node("doc", null, [paragraph]) }});
  const caret = TextSelection.create(state.doc, 1 + at);
  window.editor.updateState(state.apply(state.tr.setSelection(caret)));
}};
window.editor = new EditorView(document.querySelector("#editor"), {{
  state: EditorState.create({{ schema }}),
  ...pasteProps(schema),
}});
"""


def open_paste_page(browser):
    """A blank page holding the bundle: `window.pasted(html)` and `window.editor`."""
    bundle = subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "esbuild"), "--bundle", "--format=iife"],
        input=ENTRY,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<!doctype html><html lang="fr"><body><div id="editor"></div></body></html>')
    page.add_script_tag(content=bundle)
    return context, page


def paste_html(page, name: str) -> dict:
    return page.evaluate("html => window.pasted(html)", (SAMPLES / name).read_text("utf-8"))


def blocks(node: dict, depth: int = 0) -> list[tuple[str, str]]:
    """The document's blocks as (type, text), lists and quotes unfolded with their depth."""
    out = []
    for child in node.get("content", []):
        kind = child["type"]
        if kind in ("paragraph", "heading"):
            out.append((kind if depth == 0 else f"{kind}@{depth}", text_of(child)))
        elif kind in ("bullet_list", "ordered_list", "blockquote"):
            out.append((kind, ""))
            out.extend(blocks(child, depth + 1))
        elif kind == "list_item":
            out.extend(blocks(child, depth))
        else:
            out.append((kind, json.dumps(child.get("attrs"))))
    return out


def text_of(node: dict) -> str:
    if node["type"] == "text":
        return node["text"]
    if node["type"] == "hard_break":
        return "\n"
    return "".join(text_of(child) for child in node.get("content", []))


def marked(node: dict, mark: str) -> list[str]:
    """The texts carrying `mark` ("strong", "em", "link"→its href too)."""
    found = []
    for child in node.get("content", []):
        if child["type"] == "text":
            for m in child.get("marks", []):
                if m["type"] == mark:
                    to = f" → {m['attrs']['href']}" if mark == "link" else ""
                    found.append(child["text"] + to)
        else:
            found.extend(marked(child, mark))
    return found


def assert_clean(result: dict) -> None:
    """Nothing foreign: no style, class, font, colour, comment, Office tag; no empty paragraph;
    no code; no text starting with a space (a tab-led line would be code in Markdown)."""
    clean = result["clean"]
    foreign_markup = ("style=", "class=", "<font", "<span", "<!--", "<o:p", "mso-", "<meta")
    for foreign in (*foreign_markup, "<pre", "<code", "\t"):
        assert foreign not in clean, (foreign, clean)
    doc = json.dumps(result["doc"])
    assert '"code"' not in doc and '"raw"' not in doc, doc
    for kind, text in blocks(result["doc"]):
        if kind.startswith(("paragraph", "heading")):
            assert text.strip(), f"empty {kind} in {blocks(result['doc'])}"
            assert text == text.lstrip(" \u00a0\t"), f"{kind} starts with blanks: {text!r}"


def dispatch_paste(page, html: str | None, text: str, into=("", 0)) -> list[tuple[str, str]]:
    """A real `paste` event with a DataTransfer, as the browser fires it, in an editor holding
    one paragraph (`into`: its text and the caret's place in it)."""
    doc = page.evaluate(
        """([html, text, [before, at]]) => {
            const view = window.editor;
            window.resetEditor(before, at);
            view.focus();
            const data = new DataTransfer();
            if (html !== null) data.setData("text/html", html);
            data.setData("text/plain", text);
            const init = { clipboardData: data, bubbles: true, cancelable: true };
            view.dom.dispatchEvent(new ClipboardEvent("paste", init));
            return view.state.doc.toJSON();
        }""",
        [html, text, list(into)],
    )
    return blocks(doc)
