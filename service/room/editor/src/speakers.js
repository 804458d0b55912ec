// The interview's people, as typed in the form's « Personnes interviewées » fields (read each
// time, so a name typed a second ago is offered), and « Ajouter une personne » without a reload.

/** The names typed in the form, then those already answering in the text, each once. */
export function speakerNames(form, doc) {
  const names = [];
  form.querySelectorAll("input[name^='intervenant-'][name$='-nom']").forEach((input) => {
    const name = input.value.trim();
    if (name && !names.includes(name)) names.push(name);
  });
  doc.descendants((node) => {
    const name = node.attrs && node.attrs.speaker;
    if (name && !names.includes(name)) names.push(name);
    return node.isBlock;
  });
  return names;
}

// Renumbers one attribute of a cloned row: "intervenant-3-nom" → "intervenant-4-nom".
function renumber(element, attribute, n) {
  const value = element.getAttribute(attribute);
  if (value) element.setAttribute(attribute, value.replace(/intervenant-\d+-/g, `intervenant-${n}-`));
}

/** « Ajouter une personne » clones the last row, empty, numbered next, in place; without a row
 *  to clone, the button posts the form as without JavaScript. */
export function addPersonWithoutReload(form, announce) {
  const button = form.querySelector("button[name=action][value=personne]");
  const count = form.querySelector("input[name=intervenants]");
  if (!button || !count) return;
  button.addEventListener("click", (event) => {
    const rows = form.querySelectorAll("fieldset.speaker-row");
    const last = rows[rows.length - 1];
    if (!last) return;
    event.preventDefault();
    const n = rows.length + 1;
    const row = last.cloneNode(true);
    row.querySelector("legend").textContent = `Personne ${n}`;
    row.querySelectorAll(".field-error").forEach((error) => error.remove());
    row.querySelectorAll("[id], [name], [for], [aria-describedby], [list]").forEach((element) => {
      ["id", "name", "for", "aria-describedby"].forEach((attribute) => renumber(element, attribute, n));
      element.removeAttribute("aria-invalid");
      const describedby = element.getAttribute("aria-describedby");
      if (describedby) {
        const kept = describedby.split(/\s+/).filter((id) => !id.endsWith("-erreur")).join(" ");
        if (kept) element.setAttribute("aria-describedby", kept);
        else element.removeAttribute("aria-describedby");
      }
      if (element.tagName === "INPUT") element.value = "";
    });
    last.after(row);
    count.value = String(n);
    row.querySelector("input").focus();
    announce(`Personne ${n} ajoutée.`);
  });
}
