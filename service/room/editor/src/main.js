// The writing room's visual editor: mounted over the editor form's « Texte » field, which it
// keeps filled with the Markdown, so every button of the form (save, preview, publish) works
// as without JavaScript.
import { schema } from "./schema.js";
import { startLivePreview } from "./preview.js";

export { schema };

if (typeof document !== "undefined") {
  const form = document.querySelector("form.editor");
  if (form) startLivePreview(form);
}
