// A small DOM, enough to run the real panel page (webview/panel.ts) in plain Node: elements built with
// createElement, attributes, text nodes, events, and the few selectors the page uses. It has no HTML
// parser on purpose: the markup sinks (innerHTML, outerHTML, insertAdjacentHTML, document.write) record
// the call and throw, so a page that handed data to the parser fails the tests instead of passing unseen.
// `installFakeDom` puts `document`, `window`, the element classes and `acquireVsCodeApi` on globalThis.

type Listener = (event: FakeEvent) => void;

/** What a listener receives: `dispatch` fills `target`. */
export interface FakeEvent {
  type: string;
  target?: FakeNode;
  data?: unknown;
  key?: string;
  preventDefault(): void;
  stopPropagation(): void;
}

/** Calls of the markup sinks, with the text they were given (should stay empty). */
export const markupSinkCalls: Array<{ sink: string; text: string }> = [];

function markupSink(sink: string, text: unknown): never {
  markupSinkCalls.push({ sink, text: String(text) });
  throw new Error(`${sink} was used: the panel must build nodes, never parse markup`);
}

export class FakeNode {
  parentNode: FakeElement | null = null;
  readonly childNodes: FakeNode[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();

  get textContent(): string {
    return this.childNodes.map((child) => child.textContent).join('');
  }

  addEventListener(type: string, listener: Listener): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** Calls this node's listeners, then its ancestors' (bubbling) unless one stops it. */
  dispatch(event: Partial<FakeEvent> & { type: string }): void {
    let stopped = false;
    const full: FakeEvent = { preventDefault: () => undefined, ...event, target: event.target ?? this, stopPropagation: () => (stopped = true) };
    for (let node: FakeNode | null = this; node && !stopped; node = node.parentNode) {
      for (const listener of [...(node.listeners.get(event.type) ?? [])]) listener(full);
    }
  }

  contains(other: FakeNode | null): boolean {
    for (let node = other; node; node = node.parentNode) if (node === this) return true;
    return false;
  }
}

export class FakeText extends FakeNode {
  data: string;
  constructor(data: string) {
    super();
    this.data = data;
  }
  override get textContent(): string {
    return this.data;
  }
  override set textContent(value: string) {
    this.data = value;
  }
}

const ATTRIBUTE_NAME = /^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/;

export class FakeElement extends FakeNode {
  readonly tagName: string;
  readonly attributes = new Map<string, string>();
  hidden = false;
  tabIndex = -1;
  value = '';
  checked = false;
  open = false;
  offsetHeight = 0;
  clientHeight = 0;
  readonly style: Record<string, string> = {};

  constructor(tagName: string) {
    super();
    this.tagName = tagName.toUpperCase();
  }

  override get textContent(): string {
    return super.textContent;
  }
  override set textContent(value: string) {
    this.replaceChildren(...(value === '' ? [] : [new FakeText(value)]));
  }

  get className(): string {
    return this.attributes.get('class') ?? '';
  }
  set className(value: string) {
    this.attributes.set('class', value);
  }
  get id(): string {
    return this.attributes.get('id') ?? '';
  }
  set id(value: string) {
    this.attributes.set('id', value);
  }

  get classList() {
    const classes = () => new Set(this.className.split(/\s+/).filter(Boolean));
    const write = (set: Set<string>) => (this.className = [...set].join(' '));
    return {
      contains: (name: string) => classes().has(name),
      add: (...names: string[]) => write(new Set([...classes(), ...names])),
      remove: (...names: string[]) => write(new Set([...classes()].filter((name) => !names.includes(name)))),
      toggle: (name: string, force?: boolean) => {
        const set = classes();
        const on = force ?? !set.has(name);
        if (on) set.add(name);
        else set.delete(name);
        write(set);
        return on;
      },
    };
  }

  /** `data-*` attributes under camelCase names, as in the DOM. */
  get dataset(): Record<string, string | undefined> {
    const attributeName = (key: string) => `data-${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    return new Proxy({}, {
      get: (_, key) => (typeof key === 'string' ? this.attributes.get(attributeName(key)) : undefined),
      set: (_, key, value) => {
        if (typeof key === 'string') this.setAttribute(attributeName(key), String(value));
        return true;
      },
    });
  }

  setAttribute(name: string, value: string): void {
    // The DOM refuses names that are not names (InvalidCharacterError); so does this.
    if (!ATTRIBUTE_NAME.test(name)) throw new Error(`InvalidCharacterError: "${name}" is not a valid attribute name`);
    this.attributes.set(name.toLowerCase(), String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name.toLowerCase()) ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.attributes.has(name.toLowerCase());
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name.toLowerCase());
  }

  append(...nodes: Array<FakeNode | string>): void {
    for (const item of nodes) {
      const node = typeof item === 'string' ? new FakeText(item) : item;
      node.parentNode?.childNodes.splice(node.parentNode.childNodes.indexOf(node), 1);
      node.parentNode = this;
      this.childNodes.push(node);
    }
  }
  replaceChildren(...nodes: Array<FakeNode | string>): void {
    for (const child of this.childNodes) child.parentNode = null;
    this.childNodes.length = 0;
    this.append(...nodes);
  }
  get children(): FakeElement[] {
    return this.childNodes.filter((node): node is FakeElement => node instanceof FakeElement);
  }

  /** Every element below this one, in document order. */
  descendants(): FakeElement[] {
    return this.children.flatMap((child) => [child, ...child.descendants()]);
  }
  querySelectorAll(selector: string): FakeElement[] {
    const matches = compileSelector(selector);
    return this.descendants().filter(matches);
  }
  querySelector(selector: string): FakeElement | null {
    return this.querySelectorAll(selector)[0] ?? null;
  }
  closest(selector: string): FakeElement | null {
    const matches = compileSelector(selector);
    for (let node: FakeElement | null = this; node; node = node.parentNode) if (matches(node)) return node;
    return null;
  }

  focus(): void {
    fakeDocument.activeElement = this;
  }
  blur(): void {
    if (fakeDocument.activeElement === this) fakeDocument.activeElement = fakeDocument.body;
  }
  click(): void {
    this.dispatch({ type: 'click' });
  }
  setSelectionRange(): void {}
  scrollIntoView(): void {}

  get innerHTML(): string {
    return markupSink('innerHTML (read)', '');
  }
  set innerHTML(text: string) {
    markupSink('innerHTML', text);
  }
  get outerHTML(): string {
    return markupSink('outerHTML (read)', '');
  }
  set outerHTML(text: string) {
    markupSink('outerHTML', text);
  }
  insertAdjacentHTML(_position: string, text: string): void {
    markupSink('insertAdjacentHTML', text);
  }
}

/** A `<button>`, for the page's `instanceof HTMLButtonElement` checks. */
export class FakeButtonElement extends FakeElement {}

/** The selectors the page uses: a tag and any number of `[name]` / `[name="value"]` parts. */
function compileSelector(selector: string): (element: FakeElement) => boolean {
  const match = /^([a-zA-Z][a-zA-Z0-9-]*)?((?:\[[^\]]+\])*)$/.exec(selector.trim());
  if (!match) throw new Error(`fake-dom does not understand the selector ${selector}`);
  const tag = match[1]?.toUpperCase();
  const conditions = [...(match[2] ?? '').matchAll(/\[([^\]=]+)(?:="([^"]*)")?\]/g)].map(([, name, value]) => ({ name: name!, value }));
  return (element) => (!tag || element.tagName === tag)
    && conditions.every(({ name, value }) => (value === undefined ? element.hasAttribute(name) : element.getAttribute(name) === value));
}

class FakeDocument extends FakeNode {
  readonly documentElement = new FakeElement('html');
  readonly body = new FakeElement('body');
  activeElement: FakeElement = this.body;
  /** Whether the page has the keyboard (false: the user is in the editor or a QuickPick; activeElement stays). */
  focused = true;

  constructor() {
    super();
    this.documentElement.append(this.body);
    this.documentElement.parentNode = this as unknown as FakeElement;
  }
  createElement(tag: string): FakeElement {
    return tag.toLowerCase() === 'button' ? new FakeButtonElement(tag) : new FakeElement(tag);
  }
  createTextNode(text: string): FakeText {
    return new FakeText(String(text));
  }
  hasFocus(): boolean {
    return this.focused;
  }
  getElementById(id: string): FakeElement | null {
    return this.documentElement.descendants().find((element) => element.id === id) ?? null;
  }
  write(text: string): void {
    markupSink('document.write', text);
  }
}

export const fakeDocument = new FakeDocument();
export const fakeWindow = new FakeNode() as FakeNode & { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
fakeWindow.setTimeout = setTimeout;
fakeWindow.clearTimeout = clearTimeout;

/** What the page posted to the host, and the state it saved. */
export const vscodeApi = {
  posted: [] as unknown[],
  state: undefined as unknown,
  postMessage(message: unknown): void {
    this.posted.push(structuredClone(message));
  },
  getState(): unknown {
    return this.state;
  },
  setState(state: unknown): void {
    this.state = structuredClone(state);
  },
};

/** Puts the fake DOM on globalThis; import the page after this. */
export function installFakeDom(): void {
  Object.assign(globalThis, {
    document: fakeDocument,
    window: fakeWindow,
    Node: FakeNode,
    Element: FakeElement,
    HTMLElement: FakeElement,
    HTMLButtonElement: FakeButtonElement,
    MutationObserver: class {
      observe(): void {}
      disconnect(): void {}
    },
    // The charts read the theme's colours; an empty style gives them their fallbacks.
    getComputedStyle: () => ({ getPropertyValue: () => '' }),
    acquireVsCodeApi: () => vscodeApi,
  });
}

/** Sends a message to the page as the host does. */
export function postToPage(data: unknown): void {
  fakeWindow.dispatch({ type: 'message', data });
}
