/** Small DOM helpers: the page is plain DOM, so elements are built with one function. */

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

/** `h('a', { href: '#x', class: 'link' }, 'text')`; boolean true sets an empty attribute, false/null/undefined none. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The element with this id, of the expected type; a missing one is a bug in index.html. */
export function byId<T extends HTMLElement = HTMLElement>(id: string, type?: new () => T): T {
  const el = document.getElementById(id);
  if (!el || (type && !(el instanceof type))) throw new Error(`index.html lacks #${id}${type ? ` (${type.name})` : ''}`);
  return el as T;
}

/** Marks a region busy for assistive technology and disables a button while work runs. */
export async function whileBusy<T>(region: HTMLElement, button: HTMLButtonElement | null, work: () => Promise<T>): Promise<T> {
  region.setAttribute('aria-busy', 'true');
  if (button) button.disabled = true;
  try {
    return await work();
  } finally {
    region.removeAttribute('aria-busy');
    if (button) button.disabled = false;
  }
}
