// DOM helpers shared by the panel's views: attributes are set one by one, text only through text nodes.

import type { TextSegment } from './result-text.ts';

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

/**
 * The action (`data-action`) of the button inside `container` that has keyboard focus, so that a re-render can
 * give focus back to the re-created button. Undefined when the page itself is not focused: the document keeps its
 * last active element after the user moves on (to the editor, a QuickPick), and focusing it again from a
 * background update would pull focus into the panel and close what the user is typing in.
 */
export function focusedAction(container: HTMLElement): string | undefined {
  const active = document.activeElement;
  return document.hasFocus() && active instanceof HTMLElement && container.contains(active) ? active.dataset.action : undefined;
}

/** Text pieces as nodes: a highlighted piece in a `<mark>`, the rest as plain text. */
export function highlighted(segments: readonly TextSegment[]): Node[] {
  return segments.map((segment) => (segment.highlighted ? element('mark', { text: segment.text }) : document.createTextNode(segment.text)));
}
