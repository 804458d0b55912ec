// Plain text pasted into the editor: paragraphs, typed lists, addresses, never code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addressPieces, linkAddress, listLine, siteImage, textToHTML } from "../src/pastetext.js";

test("blank lines separate paragraphs, one paragraph a line", () => {
  assert.equal(textToHTML("Bonjour.\r\n\r\nAu revoir.\nÀ bientôt."),
    "<p>Bonjour.</p><p>Au revoir.</p><p>À bientôt.</p>");
});

test("bullet, dash and star lines become one bulleted list", () => {
  assert.equal(textToHTML("Au menu :\n• café\n– thé\n- chocolat\n* tisane\nFin."),
    "<p>Au menu :</p><ul><li><p>café</p></li><li><p>thé</p></li><li><p>chocolat</p></li>"
    + "<li><p>tisane</p></li></ul><p>Fin.</p>");
});

test("a blank line between list lines keeps one list", () => {
  assert.equal(textToHTML("• un\n\n• deux"), "<ul><li><p>un</p></li><li><p>deux</p></li></ul>");
});

test("numbered lines become a numbered list keeping its first number", () => {
  assert.equal(textToHTML("1. un\n2) deux"), "<ol><li><p>un</p></li><li><p>deux</p></li></ol>");
  assert.equal(textToHTML("3. trois\n4. quatre"), '<ol start="3"><li><p>trois</p></li><li><p>quatre</p></li></ol>');
});

test("a marker needs a space after it: a negative number or a year is prose", () => {
  assert.equal(listLine("-5 °C ce matin"), null);
  assert.equal(listLine("2024 fut une année"), null);
  assert.equal(listLine("1.5 litre"), null);
});

test("tab-led and space-led lines are paragraphs, tabs inside made one space", () => {
  assert.equal(textToHTML("\tUne ligne\n    indentée\tici"), "<p>Une ligne</p><p>indentée ici</p>");
  assert.doesNotMatch(textToHTML("\tcode?\n\t\tencore"), /<pre|<code/);
});

test("bare addresses become links, without the sentence's punctuation", () => {
  assert.equal(textToHTML("Voir https://cafe-essonne.fr/agenda. Et www.exemple.org, merci."),
    '<p>Voir <a href="https://cafe-essonne.fr/agenda">https://cafe-essonne.fr/agenda</a>. '
    + 'Et <a href="https://www.exemple.org">www.exemple.org</a>, merci.</p>');
});

test("an address keeps the brackets it opened and its query string", () => {
  const [, link] = addressPieces("(voir https://fr.wikipedia.org/wiki/Évry_(Essonne))");
  assert.equal(link.href, "https://fr.wikipedia.org/wiki/Évry_(Essonne)");
  const [only] = addressPieces("https://exemple.org/a?b=1&c=2");
  assert.equal(only.href, "https://exemple.org/a?b=1&c=2");
});

test("text is escaped: pasted markup stays text", () => {
  assert.equal(textToHTML('<b>gras</b> & "guillemets"'), "<p>&lt;b&gt;gras&lt;/b&gt; &amp; &quot;guillemets&quot;</p>");
});

test("a word with www inside is no address", () => {
  assert.deepEqual(addressPieces("awww.com"), [{ text: "awww.com" }]);
});

test("links kept: web, mail, the site's pages; Google's and Outlook's redirections undone", () => {
  assert.equal(linkAddress(" https://cafe-essonne.fr/a "), "https://cafe-essonne.fr/a");
  assert.equal(linkAddress("/agenda/"), "/agenda/");
  assert.equal(linkAddress("mailto:sophie@exemple.fr"), "mailto:sophie@exemple.fr");
  assert.equal(linkAddress("https://www.google.com/url?q=https://www.essonne.fr/&sa=D&ust=1"),
    "https://www.essonne.fr/");
  assert.equal(linkAddress("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexemple.org%2Fx&data=1"),
    "https://exemple.org/x");
});

test("links dropped: scripts, local files, anchors, protocol-relative addresses", () => {
  for (const href of ["javascript:alert(1)", "file:///C:/x.docx", "#_msocom_1", "//evil.example/x", "", "tel:0102"]) {
    assert.equal(linkAddress(href), null, href);
  }
});

test("only the site's own images are kept from pasted HTML", () => {
  assert.equal(siteImage("/images/cafe.jpg", "https://cafe.fr"), "/images/cafe.jpg");
  assert.equal(siteImage("https://cafe.fr/images/cafe.jpg", "https://cafe.fr"), "/images/cafe.jpg");
  assert.equal(siteImage("https://ailleurs.fr/images/cafe.jpg", "https://cafe.fr"), null);
  assert.equal(siteImage("file:///C:/msohtmlclip1/clip_image001.png", "https://cafe.fr"), null);
  assert.equal(siteImage("data:image/gif;base64,R0lGOD", "https://cafe.fr"), null);
});

test("the spaces joining a paste to the words around it are kept, once", () => {
  assert.equal(textToHTML("cher "), "<p>cher </p>");
  assert.equal(textToHTML(" cher  "), "<p> cher </p>");
  assert.equal(textToHTML("\tcher"), "<p>cher</p>");
  assert.equal(textToHTML(" un \ndeux "), "<p> un</p><p>deux </p>");
});

test("Word's plain text bullets (• o § with a tab) make one list; « o » alone is a word", () => {
  assert.equal(textToHTML("•\tun\no\tdeux\n§\ttrois"),
    "<ul><li><p>un</p></li><li><p>deux</p></li><li><p>trois</p></li></ul>");
  assert.equal(listLine("o mon dieu"), null);
});

test("a marker alone on its line makes no empty item", () => {
  assert.equal(textToHTML("• un\n•\t\n• deux"), "<ul><li><p>un</p></li><li><p>deux</p></li></ul>");
});
