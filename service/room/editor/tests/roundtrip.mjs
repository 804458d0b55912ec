// Reads a JSON list of Markdown bodies on stdin and writes, for each: what the editor gives
// back after reading it (serializeMarkdown(parseMarkdown(body))), how many blocks it kept raw,
// and `rewritten`, the body written as if every block had been edited (no `md` kept), which
// Python-Markdown must render as it renders the body: tests/room/editor/test_markdown_roundtrip.py.
import { parseMarkdown, serializeMarkdown } from "../src/markdown.js";

/** `node` as if every block had been edited: its `md` no longer reads as it, so it is rewritten. */
function edited(node) {
  if (node.isText) return node;
  const content = [];
  node.forEach((child) => content.push(edited(child)));
  const stale = typeof node.attrs.md === "string" && node.type.name !== "hard_break";
  const attrs = stale ? { ...node.attrs, md: `${node.attrs.md}\n\n<!-- edited -->` } : node.attrs;
  return node.type.create(attrs, content, node.marks);
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((body) => {
    const doc = parseMarkdown(body);
    let raw = 0;
    doc.forEach((node) => { if (node.type.name === "raw") raw++; });
    return { markdown: serializeMarkdown(doc), rewritten: serializeMarkdown(edited(doc)), blocks: doc.childCount, raw };
  });
  process.stdout.write(JSON.stringify(results));
});
