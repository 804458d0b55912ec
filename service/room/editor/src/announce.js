// The polite live region: what a block action did, said to screen readers in French (the
// change itself is silent in a contenteditable).
export function announcer(parent) {
  const region = document.createElement("p");
  region.className = "editeur-annonce";
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  parent.appendChild(region);
  let timer = null;
  return function announce(message) {
    // Emptied first so the same message said twice is read twice.
    region.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(() => { region.textContent = message; }, 50);
  };
}
