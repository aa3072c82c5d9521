// The DOM helpers every view uses. Views update what they show in place: a commit changes
// text, values and attributes, never the elements themselves (a control re-created under
// the pointer cannot be dragged, and one re-inserted loses keyboard focus).

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** A new element: `text` and `class` as such, data-, aria- and `for` as attributes, the rest as properties. */
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'for') node.setAttribute(k, v);
    else node[k] = v;
  }
  node.append(...children);
  return node;
}

/**
 * Shows `text` as the whole content of `node`, editing its one text node in place (no node
 * is removed or added once it has one), and nothing at all when the text is the same.
 */
export function setText(node, text) {
  const only = node.firstChild;
  if (only && only === node.lastChild && only.nodeType === Node.TEXT_NODE) {
    if (only.data !== text) only.data = text;
  } else {
    node.replaceChildren(document.createTextNode(text));
  }
}

/** Sets an attribute only when it changes (each set is a mutation a screen reader may hear); null removes it. */
export function setAttr(node, name, value) {
  if (value === null) node.removeAttribute(name);
  else if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}
