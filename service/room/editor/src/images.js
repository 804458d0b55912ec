// The editor's images: the picker (the library searched, a thumbnail chosen, or a file sent)
// and the upload of a file dropped or pasted into the text. Both ask the text alternative
// before the image goes in (the site's rule and message, given by the server), and answer the
// Markdown-ready {src, alt, title} for the editor to insert, or null when the person cancels.
// The endpoints are service/room/pages/picker.py; the dialog is a modal <dialog>, so the
// browser itself keeps the focus inside and closes it with Escape. An upload that fails
// keeps the file and everything typed: « Insérer » tries again.
import { buildDialog, el } from "./image-dialog.js";

const SEARCH_DELAY = 250; // ms between the last key and the search
let opened = 0; // ids unique per dialog, even if one is opened while another closes

// The endpoints and the CSRF token, from the editor's form (editeur.html's data attributes).
export function optionsFromForm(form) {
  return {
    listUrl: form.dataset.imagesListe,
    uploadUrl: form.dataset.imagesEnvoi,
    csrf: form.querySelector("input[name=csrf]").value,
  };
}

export function pickImage(options) {
  return new Picker(options).open(null);
}

export function uploadDropped(file, options) {
  return new Picker(options).open(file);
}

// The text alternative and title (« Légende © Crédit ») as blocks.image_words writes them:
// one line each, nothing that would close the Markdown.
export function imageWords(alt, caption = "", credit = "") {
  const line = (text) => (text || "").split(/\s+/).filter(Boolean).join(" ");
  let title = line(line(caption).replaceAll("©", ""));
  const by = line(credit).replace(/^©+/, "").trim();
  if (by) title = `${title} © ${by}`.trim();
  return {
    alt: line(alt).replaceAll("[", "(").replaceAll("]", ")"),
    title: title.replaceAll('"', "”"),
  };
}

// What the server's answer to an upload means for the person, when it is not the picker's
// JSON (the guard's pages: a stale form, an upload too large, an ended session).
export function failureMessage(status, redirected) {
  if (redirected) {
    return "Votre session a pris fin : enregistrez votre texte (vous serez invité à vous reconnecter), puis réessayez ; l’image et ce que vous avez écrit sont gardés ici.";
  }
  if (status === 413) return "L’image est trop lourde pour être envoyée : réduisez-la, puis réessayez.";
  if (status === 403) {
    return "Le formulaire a expiré (vous vous êtes connecté ailleurs ?) : enregistrez votre texte, rechargez la page, puis réessayez.";
  }
  return `L’envoi n’a pas abouti (erreur ${status}) : réessayez ; l’image et ce que vous avez écrit sont gardés.`;
}

class Picker {
  constructor(options) {
    this.options = options;
    this.rules = null; // alt_missing, max_bytes, min_size: the listing's
    this.choice = null; // {src, preview, name} of a library picture, or null for this.file
    this.file = null;
    this.page = 1;
    this.searches = 0;
  }

  open(file) {
    const id = `image-choix-${++opened}`;
    this.ids = { title: `${id}-titre`, alt: `${id}-alt`, caption: `${id}-legende`, credit: `${id}-credit` };
    this.returnTo = document.activeElement;
    Object.assign(this, buildDialog(id, this.ids));
    this.listen();
    document.body.append(this.dialog);
    this.dialog.showModal();
    this.load("", 1);
    if (file) this.describeFile(file);
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }


  listen() {
    let timer = 0;
    this.search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.load(this.search.value, 1), SEARCH_DELAY);
    });
    this.search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault(); // a search, not a submission
        clearTimeout(timer);
        this.load(this.search.value, 1);
      }
    });
    this.more.addEventListener("click", () => this.load(this.search.value, this.page + 1));
    this.fileInput.addEventListener("change", () => {
      if (this.fileInput.files.length) this.describeFile(this.fileInput.files[0]);
    });
    this.back.addEventListener("click", () => this.showChoose());
    this.cancel.addEventListener("click", () => this.dialog.close());
    this.describe.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.dialog.addEventListener("close", () => this.finish(null));
  }

  async load(query, page) {
    const search = ++this.searches;
    const url = new URL(this.options.listUrl, document.baseURI);
    if (query.trim()) url.searchParams.set("q", query.trim());
    if (page > 1) url.searchParams.set("page", String(page));
    let answer;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!(response.headers.get("content-type") || "").includes("json")) throw new Error(String(response.status));
      answer = await response.json();
    } catch {
      if (search === this.searches) this.count.textContent = "La bibliothèque n’a pas pu être lue : réessayez, ou envoyez une image.";
      return;
    }
    if (search !== this.searches) return; // an older search answered late
    this.rules = answer;
    this.page = answer.page;
    if (page === 1) this.grid.replaceChildren();
    for (const image of answer.images) this.grid.append(this.item(image));
    this.more.hidden = answer.page >= answer.pages;
    const total = answer.total;
    const words = query.trim() ? ` pour « ${query.trim()} »` : "";
    this.count.textContent = total
      ? `${total} image${total > 1 ? "s" : ""}${words}.`
      : query.trim() ? `Aucune image ne correspond à « ${query.trim()} ».` : "La bibliothèque est vide : envoyez une image.";
  }

  item(image) {
    const uses = image.used_by ? `utilisée ${image.used_by} fois` : "pas encore utilisée";
    const button = el(
      "button",
      { type: "button", class: "image-picker-item" },
      el("img", { src: image.thumbnail, alt: "", loading: "lazy" }),
      el("span", { class: "image-picker-name" }, image.name),
      el("span", { class: "image-picker-uses" }, uses),
    );
    button.addEventListener("click", () => {
      this.choice = { src: image.src, preview: image.thumbnail, name: image.name };
      this.file = null;
      this.showDescribe(image);
    });
    return el("li", {}, button);
  }

  describeFile(file) {
    this.file = file;
    this.choice = null;
    this.preview.removeAttribute("src");
    const reader = new FileReader(); // a data: URL: the room's policy allows no blob: image
    reader.addEventListener("load", () => {
      if (this.file === file) this.preview.src = reader.result;
    });
    reader.readAsDataURL(file);
    this.showDescribe(null);
  }

  showDescribe(hints) {
    if (hints) {
      this.preview.src = this.choice.preview;
      this.alt.value = hints.alt || "";
      this.caption.value = hints.caption || "";
      this.credit.value = hints.credit || "";
    }
    this.previewName.textContent = this.file ? `Image à envoyer : ${this.file.name}` : `Image de la bibliothèque : ${this.choice.name}`;
    this.showError(this.fileError, "");
    this.showAltError("");
    this.progress.textContent = "";
    this.choose.hidden = true;
    this.describe.hidden = false;
    this.alt.focus();
  }

  showChoose() {
    this.describe.hidden = true;
    this.choose.hidden = false;
    this.fileInput.value = "";
    this.search.focus();
  }

  showError(node, message) {
    node.textContent = message;
    node.hidden = !message;
  }

  showAltError(message) {
    this.showError(this.altError, message);
    const hint = `${this.ids.alt}-aide`;
    if (message) {
      this.alt.setAttribute("aria-invalid", "true");
      this.alt.setAttribute("aria-describedby", `${this.altError.id} ${hint}`);
    } else {
      this.alt.removeAttribute("aria-invalid");
      this.alt.setAttribute("aria-describedby", hint);
    }
  }

  src() {
    return this.file ? `/images/${this.file.name}` : this.choice.src;
  }

  async submit() {
    if (this.busy) return;
    this.showAltError("");
    this.showError(this.fileError, "");
    if (!this.alt.value.trim() && this.rules) {
      this.showAltError(this.rules.alt_missing.replace("{src}", this.src()));
      this.alt.focus();
      return;
    }
    if (!this.file) {
      this.finish(imageWords(this.alt.value, this.caption.value, this.credit.value), this.choice.src);
      return;
    }
    const limit = this.rules && this.rules.max_bytes;
    if (limit && this.file.size > limit) {
      const mb = (bytes) => Math.floor(bytes / (1024 * 1024));
      this.showError(this.fileError, `Image trop lourde (${mb(this.file.size)} Mo) : ${mb(limit)} Mo au plus.`);
      return;
    }
    await this.upload();
  }

  async upload() {
    const body = new FormData();
    body.append("csrf", this.options.csrf);
    body.append("alt", this.alt.value);
    body.append("legende", this.caption.value);
    body.append("credit", this.credit.value);
    body.append("image_fichier", this.file, this.file.name);
    this.busy = true;
    this.insert.disabled = true;
    this.progress.textContent = "Envoi de l’image…";
    let answer = null;
    let failure = "";
    try {
      const response = await fetch(this.options.uploadUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if ((response.headers.get("content-type") || "").includes("json")) answer = await response.json();
      else failure = failureMessage(response.status, response.redirected);
    } catch {
      failure = "L’envoi n’a pas abouti (pas de connexion ?) : réessayez ; l’image et ce que vous avez écrit sont gardés.";
    }
    this.busy = false;
    this.insert.disabled = false;
    this.progress.textContent = "";
    if (answer && answer.src) {
      this.finish({ alt: answer.alt, title: answer.title }, answer.src);
    } else if (answer && answer.field === "alt") {
      this.showAltError(answer.error);
      this.alt.focus();
    } else {
      this.showError(this.fileError, (answer && answer.error) || failure);
      this.insert.focus();
    }
  }

  finish(words, src) {
    if (!this.resolve) return;
    const resolve = this.resolve;
    this.resolve = null;
    if (this.dialog.open) this.dialog.close();
    this.dialog.remove();
    if (this.returnTo && this.returnTo.isConnected) this.returnTo.focus();
    resolve(words ? { src, alt: words.alt, title: words.title } : null);
  }
}
