// Reads a JSON list of Markdown bodies on stdin and writes, for each, what the editor gives
// back after reading it (serializeMarkdown(parseMarkdown(body))) and how many blocks it kept
// raw: the file-level round trip of tests/room/editor/test_markdown_roundtrip.py.
import { parseMarkdown, serializeMarkdown } from "../src/markdown.js";

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((body) => {
    const doc = parseMarkdown(body);
    let raw = 0;
    doc.forEach((node) => { if (node.type.name === "raw") raw++; });
    return { markdown: serializeMarkdown(doc), blocks: doc.childCount, raw };
  });
  process.stdout.write(JSON.stringify(results));
});
