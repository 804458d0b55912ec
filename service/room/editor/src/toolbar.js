// The toolbar: one Tab stop (roving tabindex: ← → Début Fin move between buttons), French
// labels, each button's shortcut in aria-keyshortcuts and its state in aria-pressed.
import { ACTIONS } from "./actions.js";

const TOGGLES = new Set(["gras", "italique", "question", "reponse", "paragraphe", "puces", "numeros", "citation", "lien"]);

export function toolbar(editor, controls) {
  const bar = document.createElement("div");
  bar.className = "editeur-outils";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Mise en forme du texte");
  bar.setAttribute("aria-controls", controls);
  const buttons = ACTIONS.map((action, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `outil outil-${action.id}`;
    button.textContent = action.label;
    button.tabIndex = i === 0 ? 0 : -1;
    if (action.aria) button.setAttribute("aria-keyshortcuts", action.aria);
    if (TOGGLES.has(action.id)) button.setAttribute("aria-pressed", "false");
    // Keep the text's selection: a mousedown on a button would move the focus first.
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") === "true") return;
      action.run(editor);
    });
    bar.append(button);
    return button;
  });

  bar.addEventListener("keydown", (event) => {
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = buttons[(to + buttons.length) % buttons.length];
    buttons.forEach((button) => { button.tabIndex = button === next ? 0 : -1; });
    next.focus();
  });
  bar.addEventListener("focusin", (event) => {
    if (buttons.includes(event.target)) buttons.forEach((b) => { b.tabIndex = b === event.target ? 0 : -1; });
  });

  /** Brings the buttons' states in line with the editor's state. */
  function update(state) {
    ACTIONS.forEach((action, i) => {
      if (action.active) buttons[i].setAttribute("aria-pressed", String(!!action.active(state)));
      if (action.enabled) buttons[i].setAttribute("aria-disabled", String(!action.enabled(state)));
    });
  }
  return { element: bar, update };
}
