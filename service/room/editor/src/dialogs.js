// The editor's two questions, each an accessible modal <dialog> (focus kept inside, Échap
// closes, focus back to the text after): the address of a link (Ctrl+K) and who answers.
let counter = 0;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes).forEach(([name, value]) => {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
  });
  children.forEach((child) => node.append(child));
  return node;
}

// Opens a dialog holding `fields` (elements) and the buttons; resolves with what `submit`
// returns (a value, or undefined to keep the dialog open), or null when dismissed.
function ask(title, fields, buttons, submit) {
  const id = `editeur-dialogue-${++counter}`;
  return new Promise((resolve) => {
    const form = element("form", { method: "dialog", novalidate: "" });
    const dialog = element("dialog", { class: "editeur-dialogue", "aria-labelledby": `${id}-titre` },
      form);
    form.append(element("h2", { id: `${id}-titre` }, title), ...fields);
    const actions = element("p", { class: "editeur-dialogue-actions" });
    let result = null;
    buttons.forEach(({ label, value, secondary }) => {
      const button = element("button", { type: value === "ok" ? "submit" : "button", class: secondary ? "secondary" : null }, label);
      button.addEventListener("click", () => {
        if (value === "ok") return; // the submit event below
        result = value === "annuler" ? null : submit(value);
        if (result !== undefined) dialog.close();
      });
      actions.append(button, " ");
    });
    form.append(actions);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      result = submit("ok");
      if (result !== undefined) dialog.close();
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(result === undefined ? null : result);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

const ADDRESS = /^(https?:\/\/[^\s/]+\.[^\s]+|https?:\/\/localhost[^\s]*|mailto:[^\s@]+@[^\s@]+\.[^\s@]+|\/[^\s]*|#[^\s]+)$/;

/** Checks an address as typed: {href} or {error} (French, says what to write). */
export function checkAddress(typed) {
  const value = typed.trim();
  if (!value) return { error: "Indiquez l’adresse du lien, par exemple https://www.caf.fr." };
  if (/\s/.test(value)) return { error: "L’adresse du lien ne peut pas contenir d’espace." };
  if (/^[\w-]+(\.[\w-]+)+(\/\S*)?$/.test(value)) return { href: `https://${value}` };
  if (/^[^\s@:/]+@[^\s@]+\.[^\s@]+$/.test(value)) return { href: `mailto:${value}` };
  if (!ADDRESS.test(value)) {
    return { error: "Adresse non reconnue : elle commence par https:// (un autre site), / (une page de ce site) ou mailto: (une adresse électronique)." };
  }
  return { href: value };
}

/** Asks for a link's address (and its words when nothing is selected): {href, text}, {href: ""}
 *  to remove the link, or null. */
export function askLink({ href = "", needsText = false } = {}) {
  const id = `editeur-lien-${++counter}`;
  const address = element("input", { id, type: "text", inputmode: "url", autocomplete: "url", "aria-describedby": `${id}-aide`, spellcheck: "false" });
  address.value = href;
  const error = element("span", { class: "field-error", id: `${id}-erreur`, hidden: "" });
  const fields = [element("p", { class: "field" },
    element("label", { for: id }, "Adresse du lien"),
    element("span", { class: "hint", id: `${id}-aide` }, "https://… pour un autre site, /… pour une page de ce site."),
    error, address)];
  const words = element("input", { id: `${id}-texte`, type: "text" });
  if (needsText) {
    fields.push(element("p", { class: "field" },
      element("label", { for: `${id}-texte` }, "Texte du lien (facultatif : l’adresse sinon)"), words));
  }
  const buttons = [{ label: "Appliquer le lien", value: "ok" }];
  if (href) buttons.push({ label: "Retirer le lien", value: "retirer", secondary: true });
  buttons.push({ label: "Annuler", value: "annuler", secondary: true });
  return ask(href ? "Modifier le lien" : "Ajouter un lien", fields, buttons, (value) => {
    if (value === "retirer") return { href: "" };
    const checked = checkAddress(address.value);
    if (checked.error) {
      error.textContent = checked.error;
      error.hidden = false;
      address.setAttribute("aria-invalid", "true");
      address.setAttribute("aria-describedby", `${id}-erreur ${id}-aide`);
      address.focus();
      return undefined;
    }
    return { href: checked.href, text: words.value.trim() };
  });
}

/** Asks who answers among `names`: the name, or null. */
export function askSpeaker(names, current) {
  if (!names.length) {
    return ask("Qui répond ?", [element("p", {},
      "Écrivez d’abord le nom de la personne dans « Personnes interviewées » (« Prénom et nom »), puis choisissez « Réponse ».")],
    [{ label: "Fermer", value: "annuler" }], () => null);
  }
  const id = `editeur-qui-${++counter}`;
  const choices = element("fieldset", { class: "editeur-choix" }, element("legend", {}, "La personne qui répond"));
  const chosen = current && names.includes(current) ? current : names[0];
  names.forEach((name, i) => {
    const radio = element("input", { type: "radio", name: id, id: `${id}-${i}`, value: name });
    radio.checked = name === chosen;
    choices.append(element("p", { class: "check" }, radio, " ", element("label", { for: `${id}-${i}` }, name)));
  });
  return ask("Qui répond ?", [choices],
    [{ label: "Choisir", value: "ok" }, { label: "Annuler", value: "annuler", secondary: true }],
    () => {
      const radio = choices.querySelector("input:checked");
      return radio ? radio.value : null;
    });
}
