/* Copy buttons of the feed list (« S’abonner », written by plugins/feeds): shown only where the
   browser can copy; elsewhere the address stays selectable text (one click selects it all). */
(function () {
  var status = document.getElementById("flux-copie");
  if (!navigator.clipboard || !status) { return; }
  document.querySelectorAll("button[data-copier]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var label = button.getAttribute("data-flux");
      navigator.clipboard.writeText(button.getAttribute("data-copier")).then(function () {
        status.textContent = "Adresse du flux " + label + " copiée.";
      }, function () {
        status.textContent = "La copie n’a pas fonctionné\u00a0: sélectionnez l’adresse.";
      });
    });
  });
})();
