// Small DOM moves the paste cleaning is made of (paste.js, pasteoffice.js).

export function all(root, selector = "*") {
  return Array.from(root.querySelectorAll(selector));
}

/** The nodes under `root` a TreeWalker shows (NodeFilter.SHOW_TEXT = 4, SHOW_COMMENT = 128). */
export function nodes(root, show) {
  const walker = root.ownerDocument.createTreeWalker(root, show);
  const found = [];
  while (walker.nextNode()) found.push(walker.currentNode);
  return found;
}

export function unwrap(el) {
  el.replaceWith(...el.childNodes);
}

export function rename(el, tag) {
  const made = el.ownerDocument.createElement(tag);
  made.append(...el.childNodes);
  el.replaceWith(made);
  return made;
}

export function wrapChildren(el, tag) {
  const wrapper = el.ownerDocument.createElement(tag);
  wrapper.append(...el.childNodes);
  el.append(wrapper);
}
