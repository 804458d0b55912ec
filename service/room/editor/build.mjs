// Bundles the editor (src/main.js) into service/room/static/editeur.js with the pinned
// esbuild; `node build.mjs OUT` writes elsewhere (the test comparing a fresh build with the
// shipped bundle).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || path.join(here, "..", "static", "editeur.js");

await build({
  entryPoints: [path.join(here, "src", "main.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019"],
  legalComments: "none",
  charset: "utf8",
  outfile: out,
  logLevel: "warning",
});
