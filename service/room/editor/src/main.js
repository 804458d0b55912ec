// The writing room's visual editor: mounted over the editor form's « Texte » field, which it
// keeps filled with the Markdown, so every button of the form (save, preview, publish) works
// as without JavaScript.
import { schema } from "./schema.js";

export { schema };
