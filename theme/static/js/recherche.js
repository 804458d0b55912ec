/* The « Rechercher » page: runs queries against the Pagefind index written by plugins/search.

   Loaded by this page only (theme/templates/search.html), never by articles. The index itself
   (Pagefind's script, its WebAssembly and the chunks a query needs) loads when the field is
   used or when the page opens with a query (?q=…, sent by the header's field). Query and
   filters live in the address, so a search can be bookmarked, shared and reloaded.
   The count of results is announced by a live region (role="status").

   Bytes, for the ≤ 150 KB target of a first query (benchmarks/search.py): Pagefind runs without
   its web worker (a second copy of its code, 12 KB; a search of this site takes milliseconds),
   the filters' data loads only when the reader opens the filters, words such as « de » or « la »,
   which Pagefind would look up like any other (an index chunk each), are left out, and results
   come 5 first. */

// Each result shown costs its page's text (about 2 KB): 5 first, as Pagefind's own interface
// does, then 10 at a time on demand.
const FIRST_RESULTS = 5;
const MORE_RESULTS = 10;
const FILTERS = ["theme", "intervenant"];
const NNBSP = "\u202f";
const NBSP = "\u00a0";
// Words with no meaning of their own: « la Ctg de ma commune » searches « Ctg commune ».
const STOP_WORDS = new Set(
  "à au aux ce ces d de des du en et l la le les leur leurs ma mes mon nos notre ou par pour sa ses son sur ta tes ton un une vos votre".split(" "),
);

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
let filtersWanted = false; // the reader opened the filters, or the address has some

function loadIndex() {
  if (!pagefind) {
    pagefind = import(root.dataset.index).then(async (module) => {
      const baseUrl = new URL(root.dataset.site, location.href).pathname;
      await module.options({ baseUrl, excerptLength: 24, noWorker: true });
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

function terms(query) {
  const words = query.split(/\s+/).filter(Boolean);
  const meaningful = words.filter((word) => !STOP_WORDS.has(word.toLowerCase()));
  return (meaningful.length ? meaningful : words).join(" ");
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
  const next = results.slice(shown, shown + (shown ? MORE_RESULTS : FIRST_RESULTS));
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
  for (const fieldset of filterBox.querySelectorAll("fieldset")) {
    const name = fieldset.dataset.filtre;
    const values = Object.entries(counts[name] || {})
      .filter(([value, count]) => count > 0 || state.filters[name].includes(value))
      .sort(([a], [b]) => a.localeCompare(b, "fr"));
    fieldset.hidden = values.length === 0;
    fieldset.querySelector("ul").replaceChildren(
      ...values.map(([value, count]) => filterOption(name, value, count, state.filters[name].includes(value))),
    );
  }
}

function filtered(state) {
  return FILTERS.some((name) => state.filters[name].length > 0);
}

function activeFilters(state) {
  const filters = {};
  for (const name of FILTERS) if (state.filters[name].length) filters[name] = { any: state.filters[name] };
  return filters;
}

function summary(state, total) {
  const withFilters = filtered(state) ? " avec ces filtres" : "";
  if (total === 0) {
    return `Aucun résultat pour ${quoted(state.q)}${withFilters}. Essayez un autre mot, ou parcourez les thèmes, les intervenants ou les archives.`;
  }
  const count = total.toLocaleString("fr-FR");
  return `${count} ${total === 1 ? "résultat" : "résultats"} pour ${quoted(state.q)}${withFilters}.`;
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
    filtersWanted = filtersWanted || filtered(state);
    // Once loaded, every search also returns the counts per filter.
    if (filtersWanted) await module.filters();
    const found = await module.search(terms(state.q), { filters: activeFilters(state) });
    if (id !== run) return;
    results = found.results;
    shown = 0;
    list.replaceChildren();
    await showMore(id);
    if (id !== run) return;
    filterBox.hidden = results.length === 0 && !filtered(state);
    if (filtered(state)) filterBox.open = true;
    if (found.totalFilters && (refreshFilters || filtersFor !== state.q)) {
      showFilters(state, found.totalFilters);
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
  const query = terms(input.value.trim());
  if (pagefind && query) pagefind.then((module) => module.preload(query));
});

filterBox.addEventListener("toggle", async () => {
  if (!filterBox.open || filtersWanted) return;
  filtersWanted = true;
  const module = await loadIndex();
  await module.filters();
  const found = await module.search(terms(state.q), { filters: activeFilters(state) });
  showFilters(state, found.totalFilters || {});
  filtersFor = state.q;
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
