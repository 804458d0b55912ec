// The image picker's dialog (images.js gives it life): the library step (search, thumbnails,
// « Envoyer une image ») and the describe step, the text alternative first; every field
// labelled, its hint and error tied to it, for screen readers.
const ACCEPT = "image/jpeg,image/png,image/webp";

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) node.setAttribute(name, "");
    else if (value !== false && value != null) node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

// The dialog's nodes by name; `ids` are the ids of its title and fields, unique per dialog.
export function buildDialog(id, ids) {
  const search = el("input", { type: "search", id: `${id}-q`, "aria-describedby": `${id}-q-aide`, autocomplete: "off" });
  const count = el("p", { role: "status", class: "image-picker-count" });
  const grid = el("ul", { class: "image-picker-grid" });
  const more = el("button", { type: "button", class: "secondary", hidden: true }, "Plus d’images");
  const fileInput = el("input", { type: "file", id: `${id}-fichier`, accept: ACCEPT, "aria-describedby": `${id}-fichier-aide` });
  const choose = el(
    "div",
    { class: "image-picker-choose" },
    el("p", { class: "field" },
      el("label", { for: search.id }, "Rechercher une image"),
      el("span", { class: "hint", id: `${id}-q-aide` }, "Des mots du nom du fichier, de son texte alternatif ou de sa légende."),
      search),
    count,
    grid,
    el("p", {}, more),
    el("p", { class: "field" },
      el("label", { for: fileInput.id }, "Envoyer une image"),
      el("span", { class: "hint", id: `${id}-fichier-aide` }, "JPEG, PNG ou WebP, depuis votre ordinateur ou votre téléphone."),
      fileInput),
  );
  const preview = el("img", { class: "image-picker-preview", alt: "" });
  const previewName = el("p", { class: "image-picker-name" });
  const fileError = el("p", { class: "field-error", role: "alert", hidden: true });
  const alt = el("input", { type: "text", id: ids.alt, required: true, "aria-describedby": `${ids.alt}-aide` });
  const altError = el("span", { class: "field-error", id: `${ids.alt}-erreur`, hidden: true });
  const caption = el("input", { type: "text", id: ids.caption });
  const credit = el("input", { type: "text", id: ids.credit });
  const insert = el("button", { type: "submit" }, "Insérer");
  const back = el("button", { type: "button", class: "secondary" }, "Choisir une autre image");
  const progress = el("p", { role: "status", class: "image-picker-progress" });
  const describe = el(
    "form",
    { class: "image-picker-describe", novalidate: true, hidden: true },
    preview,
    previewName,
    fileError,
    el("p", { class: "field" },
      el("label", { for: ids.alt }, "Texte alternatif ", el("span", { class: "required" }, "(obligatoire)")),
      altError,
      el("span", { class: "hint", id: `${ids.alt}-aide` }, "Ce que montre l’image, en une phrase, pour qui ne la voit pas."),
      alt),
    el("p", { class: "field" }, el("label", { for: ids.caption }, "Légende (facultative)"), caption),
    el("p", { class: "field" }, el("label", { for: ids.credit }, "Crédit (facultatif)"), credit),
    progress,
    el("p", { class: "image-picker-actions" }, insert, " ", back),
  );
  const cancel = el("button", { type: "button", class: "secondary" }, "Annuler");
  const dialog = el(
    "dialog",
    { class: "image-picker", "aria-labelledby": ids.title },
    el("h2", { id: ids.title }, "Insérer une image"),
    choose,
    describe,
    el("p", { class: "image-picker-cancel" }, cancel),
  );
  return {
    search,
    count,
    grid,
    more,
    fileInput,
    choose,
    preview,
    previewName,
    fileError,
    alt,
    altError,
    caption,
    credit,
    insert,
    back,
    progress,
    describe,
    cancel,
    dialog,
  };
}
