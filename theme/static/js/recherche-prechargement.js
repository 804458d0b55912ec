/* The « Rechercher » page, opened with a query (?q=…): Pagefind's script and WebAssembly start
   loading with the page rather than after recherche.js, so results show sooner. A file, not an
   inline script: the site's Content-Security-Policy runs no inline script. Its addresses come
   from the script element's data-pagefind and data-wasm attributes (theme/templates/search.html). */
(function (script) {
  if (!script || !/[?&]q=[^&]/.test(location.search)) { return; }
  [["modulepreload", script.dataset.pagefind], ["preload", script.dataset.wasm]].forEach(function (link) {
    var element = document.createElement("link");
    element.rel = link[0];
    element.href = link[1];
    if (link[0] === "preload") { element.as = "fetch"; element.crossOrigin = "anonymous"; }
    document.head.appendChild(element);
  });
})(document.currentScript);
