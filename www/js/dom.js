// The two DOM helpers every view uses.

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
