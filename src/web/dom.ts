/**
 * A few DOM helpers instead of a UI framework: the dashboard's views render once per navigation and
 * then update small parts, which plain elements do well without a virtual DOM. Text always goes in
 * as text nodes (never innerHTML), so run names, commands and API messages cannot inject markup.
 */

export type Child = Node | string | number | null | undefined | false | readonly Child[];

type Handler = (ev: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child as readonly Child[]) append(parent, c);
    return;
  }
  parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
}

/** Creates an element: `on*` attributes become listeners, `true` a bare attribute, null/false nothing. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const c of children) append(el, c);
  return el;
}

/** Replaces the children of `el`. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  for (const c of children) append(el, c);
}

/** A link inside the app (hash routing). */
export const link = (href: string, ...children: Child[]): HTMLAnchorElement => h('a', { href: `#${href}` }, ...children);

/** A titled section of a page. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', null, title), ...children);
}

/** Code the user can type, e.g. a greenml command. */
export const cmd = (text: string): HTMLElement => h('code', { class: 'cmd' }, text);
