// DOM helpers shared by the panel's views: attributes are set one by one, text only through text nodes.

/** What `element` sets on a new element. */
export interface ElementOptions {
  className?: string;
  testId?: string;
  attributes?: Record<string, string>;
  text?: string;
}

/** A new element with the given class, test id, attributes, text and children. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.testId) node.setAttribute('data-testid', options.testId);
  for (const [name, value] of Object.entries(options.attributes ?? {})) node.setAttribute(name, value);
  if (options.text !== undefined) node.textContent = options.text;
  node.append(...children);
  return node;
}

/** A codicon, hidden from screen readers. */
export function icon(name: string, extraClass = ''): HTMLSpanElement {
  return element('span', { className: `codicon ${name}${extraClass ? ` ${extraClass}` : ''}`, attributes: { 'aria-hidden': 'true' } });
}
