// Pasted plain text made into the HTML the schema reads (paste.js), and the string rules the
// HTML cleaning shares with it: typed list markers and bare addresses. Pure string work, so
// node's own test runner checks it without a DOM.

// « • Café », « – Café », « - Café », « · Café », « * Café »: a bulleted line as people type
// it in Word or an e-mail. The marker must be followed by a space (« -5 °C » is no list).
// Word's plain text writes its deeper bullets « o » and « § » followed by a tab.
const BULLET = /^[\s\u00a0]*(?:[•–\-·*◦▪‣][\s\u00a0]+|[o§]\t[\s\u00a0]*)/u;
// « 1. Café », « 2) Café »: a numbered line.
const NUMBER = /^[\s\u00a0]*(\d{1,3})[.)][\s\u00a0]+/u;
// `https://…`, `http://…` or `www.…` up to a space, a quote or an angle bracket; closing
// punctuation is taken off afterwards (trimAddress).
const ADDRESS = /\b(?:https?:\/\/|www\.)[^\s<>"'«»\u00a0]+/giu;

/** The list a typed line belongs to: {kind: "ul"|"ol", text, number}, or null for prose. */
export function listLine(line) {
  const bullet = BULLET.exec(line);
  if (bullet) return { kind: "ul", text: line.slice(bullet[0].length), number: null };
  const number = NUMBER.exec(line);
  if (number) return { kind: "ol", text: line.slice(number[0].length), number: +number[1] };
  return null;
}

/** An address without the sentence's punctuation after it (« voir https://x.fr. » → x.fr). */
function trimAddress(address) {
  let end = address.length;
  while (end > 0 && /[.,;:!?)\]}]/.test(address[end - 1])) {
    const kept = address.slice(0, end);
    // A closing bracket the address itself opened stays (Wikipedia's `…_(ville)`).
    if (kept.endsWith(")") && kept.split("(").length >= kept.split(")").length) break;
    end -= 1;
  }
  return address.slice(0, end);
}

/** Text cut into [{text}, {text, href}] pieces: each bare address a link (www. → https://). */
export function addressPieces(text) {
  const pieces = [];
  let at = 0;
  for (const found of text.matchAll(ADDRESS)) {
    const address = trimAddress(found[0]);
    if (!/[a-z0-9]\.[a-z]{2,}/i.test(address)) continue;
    if (found.index > at) pieces.push({ text: text.slice(at, found.index) });
    const href = /^www\./i.test(address) ? `https://${address}` : address;
    pieces.push({ text: address, href });
    at = found.index + address.length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}

/**
 * A pasted link's address as the article keeps it, or null when it is no link to keep (Word's
 * bookmarks and comment anchors, local files, `javascript:`): web and mail addresses, the
 * site's own pages; Google's and Outlook's redirections give up the address they hide.
 */
export function linkAddress(href) {
  const address = href.trim();
  if (/^\/(?!\/)/.test(address) || /^mailto:[^\s]+$/i.test(address)) return address;
  let url;
  try {
    url = new URL(address);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  const hidden = (url.hostname === "www.google.com" && url.pathname === "/url" && url.searchParams.get("q"))
    || (url.hostname.endsWith(".safelinks.protection.outlook.com") && url.searchParams.get("url"));
  return hidden && /^https?:\/\//i.test(hidden) ? hidden : address;
}

/**
 * A pasted image's address when it is one of the site's own (`/images/…`, or the same on this
 * host), else null: any other picture must be sent to the library with its alt text and credit.
 */
export function siteImage(src, origin) {
  const path = origin && src.startsWith(`${origin}/images/`) ? src.slice(origin.length) : src;
  return /^\/images\/[^\s?#]+$/.test(path) ? path : null;
}

export function escapeHTML(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * One line's inline HTML: escaped, tabs and runs of spaces made one space, addresses linked;
 * its edges trimmed but where the paste joins the text around it (`lead`: a space-led first
 * line, `trail`: the last line), so « cher » pasted between two words keeps its spaces.
 */
function inline(line, lead = false, trail = false) {
  let text = line.replace(/[\t\u00a0 ]+/g, " ");
  if (!(lead && line.startsWith(" "))) text = text.trimStart();
  if (!trail) text = text.trimEnd();
  return addressPieces(text)
    .map((piece) => (piece.href
      ? `<a href="${escapeHTML(piece.href)}">${escapeHTML(piece.text)}</a>`
      : escapeHTML(piece.text)))
    .join("");
}

/**
 * Plain text as HTML for the schema: every non-blank line a paragraph (what Word and web pages
 * put on the clipboard, one line per paragraph; blank lines only separate), runs of « • »,
 * « – », « - », « * » lines a bulleted list, « 1. » / « 1) » lines a numbered one, addresses
 * links. Leading tabs and spaces are dropped: a tab-led line is never a code block.
 */
export function textToHTML(text) {
  const html = [];
  let list = null;
  const close = () => {
    if (list) html.push(`</${list}>`);
    list = null;
  };
  // A blank line ends a paragraph, not a list: Word spaces its list lines apart.
  const lines = text.replace(/\r\n?/g, "\n").split("\n").filter((line) => line.trim());
  lines.forEach((line, at) => {
    const item = listLine(line);
    if (item && !item.text.trim()) return; // a marker alone: an empty item
    if (!item) {
      close();
      html.push(`<p>${inline(line, at === 0, at === lines.length - 1)}</p>`);
      return;
    }
    if (list !== item.kind) {
      close();
      list = item.kind;
      html.push(item.kind === "ol" && item.number !== 1 ? `<ol start="${item.number}">` : `<${item.kind}>`);
    }
    html.push(`<li><p>${inline(item.text)}</p></li>`);
  });
  close();
  return html.join("");
}
