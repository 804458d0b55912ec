/* The room's pages with JavaScript: easier, never required (every page works without it).
   - « Ajouter » blocks go after the paragraph where the cursor is (its position is sent with
     the form; the server writes the Markdown) and the cursor comes back there;
   - the chapô's length is counted as it is typed;
   - what is typed is kept in this browser until it is saved, every field (people, thème, date,
     tags…; the server keeps it too, room/editor/src/autosave.js): closing the tab by mistake or a
     crash does not lose it, and leaving the page with unsaved changes asks first. A form sent
     is marked with a token the server's answer carries back (data-envoi): that answer holds
     the text sent, and more (an added block), so what was kept is replaced by it, never
     offered back as if newer (« Reprendre ce texte » used to remove the block just added);
   - a publication's page follows the job and shows the result when it ends;
   - Ctrl+S (Cmd+S) saves, as « Enregistrer » does, unless the visual editor handled it; the
     skip link « Aller au texte » puts the cursor in the text itself (without a script it
     reaches the text's zone, one Tab before the text). */
(function () {
  "use strict";

  function editor(form) {
    var text = form.querySelector("#texte");
    var cursorField = form.querySelector("input[name=curseur]");
    if (!text || !cursorField) return;
    var key = "redaction:" + location.pathname;
    var revision = (form.querySelector("input[name=revision]") || {}).value || "";
    var changed = false;
    var placed = false; // the cursor means something once the person (or an insertion) put it
    text.addEventListener("focus", function () { placed = true; });

    var sentField = form.querySelector("input[name=envoi]");
    function keep(sent) {
      try {
        localStorage.setItem(key, JSON.stringify(
          { revision: revision, at: Date.now(), fields: snapshot(), sent: sent || "" }));
      } catch (e) { /* private mode or full: the server side still keeps every save */ }
    }

    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (placed && button && (button.value === "ajouter" || button.value === "image")) {
        cursorField.value = String(text.selectionStart || 0);
      }
      if (sentField) {
        sentField.value = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
        keep(sentField.value);
      }
      changed = false;
    });
    var wanted = parseInt(text.getAttribute("data-curseur"), 10);
    if (!isNaN(wanted)) {
      text.focus();
      text.setSelectionRange(wanted, wanted);
    }

    // Every field a person fills (people, roles, thème, date, tags, closed comments…): a
    // box unchecked is kept as null; the form's own marks (token, revision) are not.
    var own = /^(csrf|envoi|curseur|revision|type|cle|date_auto)$/;
    function snapshot() {
      var fields = {};
      Array.prototype.forEach.call(form.elements, function (element) {
        var type = (element.type || "").toLowerCase();
        if (!element.name || own.test(element.name) || /^(file|submit|button)$/.test(type)) return;
        if (type === "checkbox" || type === "radio") {
          if (element.checked) fields[element.name] = element.value;
          else if (!(element.name in fields)) fields[element.name] = null;
        } else {
          fields[element.name] = element.value;
        }
      });
      return fields;
    }
    function differs(fields) {
      var now = snapshot();
      return Object.keys(fields).some(function (name) { return fields[name] !== now[name]; });
    }
    function restore(fields) {
      Object.keys(fields).forEach(function (name) {
        var element = form.elements[name];
        if (!element) {  // a person's line added after this page was drawn: sent as it was
          element = document.createElement("input");
          element.type = "hidden";
          element.name = name;
          form.appendChild(element);
        }
        if (element.type === "checkbox") element.checked = fields[name] !== null;
        else element.value = fields[name] === null ? "" : fields[name];
        // The visual editor (editeur.js) reads the text back from its field.
        if (element.name === "texte") element.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    var answered = form.getAttribute("data-envoi");
    if (saved && saved.sent && answered && saved.sent === answered) {
      keep("");  // this page answers what was kept: it is the newer text, kept in its place
      saved = null;
    }
    if (saved && saved.revision === revision && differs(saved.fields)) {
      var note = document.createElement("div");
      note.className = "redaction-message";
      note.setAttribute("role", "status");
      var words = document.createElement("p");
      words.textContent = "Ce navigateur a gardé un texte non enregistré de cet article (" +
        new Date(saved.at).toLocaleString("fr-FR") + ").";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = "Reprendre ce texte";
      button.addEventListener("click", function () {
        restore(saved.fields);
        note.remove();
        text.focus();
      });
      note.appendChild(words);
      note.appendChild(button);
      form.parentNode.insertBefore(note, form);
    } else if (saved && !differs(saved.fields)) {
      localStorage.removeItem(key);
    }
    form.addEventListener("input", function () {
      changed = true;
      keep("");
    });
    window.addEventListener("beforeunload", function (event) {
      if (changed) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  function counter(area) {
    var limit = parseInt(area.getAttribute("data-count"), 10);
    var hint = document.getElementById(area.id + "-aide");
    if (!hint || isNaN(limit)) return;
    var live = document.createElement("span");
    live.className = "count";
    live.setAttribute("aria-live", "polite");
    hint.appendChild(document.createTextNode(" "));
    hint.appendChild(live);
    function update() {
      var length = area.value.length;
      live.textContent = length > limit ?
        "Trop long : " + length + " caractères pour " + limit + "." :
        length + " caractères sur " + limit + ".";
    }
    area.addEventListener("input", update);
  }

  function job(status) {
    var url = status.getAttribute("data-suivi");
    var state = status.getAttribute("data-etat");
    if ((state !== "queued" && state !== "running") || status.hasAttribute("data-programmee")) return;
    status.setAttribute("aria-live", "polite");
    var timer = setInterval(function () {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          if (data.state === "done" || data.state === "failed") {
            clearInterval(timer);
            location.reload();
          } else if (data.state === "running") {
            status.querySelector("p").textContent = "En cours : " + (data.stage || "préparation") + "…";
          }
        })
        .catch(function () { /* the « Actualiser » link still works */ });
    }, 1500);
  }

  function shortcuts(form) {
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || !(event.ctrlKey || event.metaKey) || event.altKey ||
          event.shiftKey || event.key.toLowerCase() !== "s") return;
      var save = form.querySelector("button[name=action][value=enregistrer]");
      if (!save) return;
      event.preventDefault();  // not the browser's « save the page as »
      save.click();
    });
    var zone = document.getElementById("zone-texte");
    var skip = document.querySelector("a.skip-link[href='#zone-texte']");
    if (!zone || !skip) return;
    skip.addEventListener("click", function (event) {
      var shown = Array.prototype.filter.call(
        zone.querySelectorAll("[contenteditable=true], textarea"),
        function (element) { return element.getClientRects().length > 0; });
      if (!shown.length) return;
      event.preventDefault();
      shown[0].focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.editor");
    if (form) editor(form);
    if (form) shortcuts(form);
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-count]"), counter);
    var status = document.querySelector("[data-suivi]");
    if (status) job(status);
  });
})();
