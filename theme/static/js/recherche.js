/* The « Rechercher » page: runs queries against the Pagefind index written by plugins/search.

   Loaded by this page only (theme/templates/search.html), never by articles. The index itself
   (Pagefind's script, its WebAssembly and the chunks a query needs) loads when the field is
   used or when the page opens with a query (?q=…, sent by the header's field). Query and
   filters live in the address, so a search can be bookmarked, shared and reloaded.
   The count of results is announced by a live region (role="status"). */

const PAGE_SIZE = 10;
const FILTERS = ["theme", "intervenant"];
const NNBSP = "\u202f";
const NBSP = "\u00a0";

const root = document.getElementById("recherche");
const form = root.querySelector(".recherche__formulaire");
const input = form.elements.q;
const statusLine = document.getElementById("recherche-statut");
const filterBox = document.getElementById("recherche-filtres");
const list = document.getElementById("recherche-resultats");
const moreButton = document.getElementById("recherche-plus");
const pageTitle = document.title;

let pagefind = null; // the promise of the Pagefind module, once asked for
let run = 0; // id of the latest search: older ones drop their results
let results = []; // every result of the latest search (data not loaded yet)
let shown = 0; // how many of them are on the page
let filtersFor = null; // the query the filter lists were built for

function loadIndex() {
  if (!pagefind) {
    pagefind = import(root.dataset.index).then(async (module) => {
      const baseUrl = new URL(root.dataset.site, location.href).pathname;
      await module.options({ baseUrl, excerptLength: 24 });
      await module.init();
      return module;
    });
  }
  return pagefind;
}

function readAddress() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const name of FILTERS) filters[name] = params.getAll(name);
  return { q: (params.get("q") || "").trim(), filters };
}

function writeAddress(state, push) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const name of FILTERS) for (const value of state.filters[name]) params.append(name, value);
  const query = params.toString();
  history[push ? "pushState" : "replaceState"](null, "", location.pathname + (query ? `?${query}` : ""));
}

function quoted(text) {
  return `«${NNBSP}${text}${NNBSP}»`;
}

function announce(text) {
  // Emptied first, so the same message is announced again for a new search.
  statusLine.textContent = "";
  requestAnimationFrame(() => { statusLine.textContent = text; });
}

// Pagefind's index keeps the words, not the no-break spaces the build put in the text
// (site_core.typography): restore them where the typeset text had them, so an excerpt never
// starts a line with « ? » or « : », and keep punctuation out of the highlighted words.
function excerptHtml(excerpt) {
  return excerpt
    .replace(/<mark>([(«“]+)/g, "$1<mark>")
    .replace(/([.,;:!?»…)”]+)<\/mark>/g, "</mark>$1")
    .replace(/ (?=(?:<\/?mark>)?[;!?»])/g, NNBSP)
    .replace(/ (?=(?:<\/?mark>)?:)/g, NBSP)
    .replace(/«(?:<\/?mark>)? /g, (match) => match.replace(" ", NNBSP));
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "resultat";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  item.append(heading);
  const details = [data.meta.theme, data.meta.date].filter(Boolean);
  if (details.length) {
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = details.join(" · ");
    item.append(meta);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "resultat__extrait";
  excerpt.innerHTML = excerptHtml(data.excerpt); // Pagefind escapes the text, adds only <mark>
  item.append(excerpt);
  return item;
}

async function showMore(id) {
  const next = results.slice(shown, shown + PAGE_SIZE);
  const data = await Promise.all(next.map((result) => result.data()));
  if (id !== run) return [];
  const items = data.map(resultItem);
  list.append(...items);
  shown += items.length;
  moreButton.hidden = shown >= results.length;
  return items;
}

function filterOption(name, value, count, checked) {
  const item = document.createElement("li");
  const label = document.createElement("label");
  const box = document.createElement("input");
  box.type = "checkbox";
  box.name = name;
  box.value = value;
  box.checked = checked;
  label.append(box, ` ${value} (${count})`);
  item.append(label);
  return item;
}

function showFilters(state, counts) {
  // Counts are for the query alone, so the lists only change with the query, never under the
  // reader's cursor while ticking boxes.
  let any = false;
  for (const fieldset of filterBox.querySelectorAll("fieldset")) {
    const name = fieldset.dataset.filtre;
    const values = Object.entries(counts[name] || {})
      .filter(([value, count]) => count > 0 || state.filters[name].includes(value))
      .sort(([a], [b]) => a.localeCompare(b, "fr"));
    fieldset.hidden = values.length === 0;
    any = any || values.length > 0;
    fieldset.querySelector("ul").replaceChildren(
      ...values.map(([value, count]) => filterOption(name, value, count, state.filters[name].includes(value))),
    );
  }
  filterBox.hidden = !any;
  if (FILTERS.some((name) => state.filters[name].length)) filterBox.open = true;
}

function summary(state, total) {
  const filtered = FILTERS.some((name) => state.filters[name].length) ? " avec ces filtres" : "";
  if (total === 0) {
    return `Aucun résultat pour ${quoted(state.q)}${filtered}. Essayez un autre mot, ou parcourez les thèmes, les intervenants ou les archives.`;
  }
  const count = total.toLocaleString("fr-FR");
  return `${count} ${total === 1 ? "résultat" : "résultats"} pour ${quoted(state.q)}${filtered}.`;
}

async function search(state, { refreshFilters = true } = {}) {
  const id = ++run;
  document.title = state.q ? `${quoted(state.q)} — ${pageTitle}` : pageTitle;
  if (!state.q) {
    results = [];
    shown = 0;
    list.replaceChildren();
    moreButton.hidden = true;
    filterBox.hidden = true;
    statusLine.textContent = "";
    return;
  }
  list.setAttribute("aria-busy", "true");
  try {
    const module = await loadIndex();
    await module.filters(); // once loaded, every search also returns the counts per filter
    const filters = {};
    for (const name of FILTERS) if (state.filters[name].length) filters[name] = { any: state.filters[name] };
    const found = await module.search(state.q, { filters });
    if (id !== run) return;
    results = found.results;
    shown = 0;
    list.replaceChildren();
    await showMore(id);
    if (id !== run) return;
    if (refreshFilters || filtersFor !== state.q) {
      showFilters(state, found.totalFilters || {});
      filtersFor = state.q;
    }
    announce(summary(state, results.length));
    performance.mark("recherche:resultats");
  } catch (error) {
    if (id !== run) return;
    announce("La recherche est momentanément indisponible. Parcourez les thèmes, les intervenants ou les archives.");
    throw error;
  } finally {
    if (id === run) list.removeAttribute("aria-busy");
  }
}

let state = readAddress();

form.addEventListener("submit", (event) => {
  event.preventDefault();
  state = { ...state, q: input.value.trim() };
  writeAddress(state, true);
  search(state);
});

input.addEventListener("focus", loadIndex, { once: true });
input.addEventListener("input", () => {
  if (pagefind && input.value.trim()) pagefind.then((module) => module.preload(input.value.trim()));
});

filterBox.addEventListener("change", (event) => {
  const box = event.target;
  const chosen = state.filters[box.name].filter((value) => value !== box.value);
  if (box.checked) chosen.push(box.value);
  state = { ...state, filters: { ...state.filters, [box.name]: chosen } };
  writeAddress(state, false);
  search(state, { refreshFilters: false });
});

moreButton.addEventListener("click", async () => {
  const first = shown + 1;
  const items = await showMore(run);
  if (items.length) {
    items[0].querySelector("a").focus();
    announce(`Résultats ${first} à ${shown} sur ${results.length}.`);
  }
});

window.addEventListener("popstate", () => {
  state = readAddress();
  input.value = state.q;
  search(state);
});

input.value = state.q;
search(state);
