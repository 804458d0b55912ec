/* A « Copier le lien » button beside each read-only field marked data-copie (the one-time
   password link). Made here, so without JavaScript there is no dead button: the link stays
   selectable text. A file, not inline: the team area's CSP allows only its own scripts. */
(function () {
  "use strict";

  function copied(field, status) {
    status.textContent = "Lien copié.";
    field.focus();
    field.select();
  }

  function add(field) {
    var button = document.createElement("button");
    var status = document.createElement("span");
    button.type = "button";
    button.className = "secondary";
    button.textContent = field.getAttribute("data-copie");
    status.setAttribute("role", "status");
    status.className = "copie-etat";
    button.addEventListener("click", function () {
      status.textContent = "";
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { copied(field, status); },
          function () { fallback(field, status); }
        );
      } else {
        fallback(field, status);
      }
    });
    field.insertAdjacentElement("afterend", status);
    field.insertAdjacentElement("afterend", button);
  }

  function fallback(field, status) {
    field.focus();
    field.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (error) { done = false; }
    status.textContent = done ? "Lien copié." : "Copie impossible : le lien est sélectionné, "
      + "faites Ctrl+C (ou ⌘+C).";
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-copie]"), add);
  });
})();
