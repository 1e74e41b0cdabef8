// A small stand-in for the `vscode` module, enough for `extension/host/results-panel.ts`: webview
// panels whose messages the tests drive, workspace folders, and editors that record what was opened.
// `results-panel.test.ts` maps the `vscode` specifier here with `module.registerHooks`.

import fs from 'node:fs';

type Listener<T> = (value: T) => unknown;

export class Disposable {
  private readonly callback: () => void;
  constructor(callback: () => void) {
    this.callback = callback;
  }
  dispose(): void {
    this.callback();
  }
}

/** An event source like `vscode.EventEmitter`, counting live listeners so tests can check disposal. */
export class EventEmitter<T> {
  readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
  disposed = false;
}

export class Uri {
  readonly scheme: string;
  readonly path: string;
  constructor(scheme: string, path: string) {
    this.scheme = scheme;
    this.path = path;
  }
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return new Uri(base.scheme, [base.path.replace(/\/$/, ''), ...segments].join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path.split('/').map(encodeURIComponent).join('/')}`;
  }
}

export const ViewColumn = { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 } as const;
export const TextEditorRevealType = { Default: 0, InCenter: 1, InCenterIfOutsideViewport: 2, AtTop: 3 } as const;

export class Position {
  readonly line: number;
  readonly character: number;
  constructor(line: number, character: number) {
    this.line = line;
    this.character = character;
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(start: Position, end: Position) {
    this.start = start;
    this.end = end;
  }
}

export class FakeWebview {
  html = '';
  options: unknown;
  readonly cspSource = 'https://csp.example';
  readonly posted: unknown[] = [];
  readonly received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  constructor(options: unknown) {
    this.options = options;
  }
  asWebviewUri(uri: Uri): { toString(): string } {
    return { toString: () => `https://csp.example${uri.path}` };
  }
  postMessage(message: unknown): Promise<boolean> {
    this.posted.push(structuredClone(message));
    return Promise.resolve(true);
  }
}

export class FakeWebviewPanel {
  readonly viewType: string;
  readonly title: string;
  readonly showOptions: unknown;
  readonly webview: FakeWebview;
  visible = true;
  viewColumn: number | undefined = 2;
  disposed = false;
  revealed = 0;
  readonly disposeEmitter = new EventEmitter<void>();
  readonly viewStateEmitter = new EventEmitter<{ webviewPanel: FakeWebviewPanel }>();
  readonly onDidDispose = this.disposeEmitter.event;
  readonly onDidChangeViewState = this.viewStateEmitter.event;
  constructor(viewType: string, title: string, showOptions: unknown, options: unknown) {
    this.viewType = viewType;
    this.title = title;
    this.showOptions = showOptions;
    this.webview = new FakeWebview(options);
  }
  reveal(): void {
    this.revealed += 1;
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  }
  /** What the page does: say `ready`, send a message. */
  send(message: unknown): void {
    this.webview.received.fire(message);
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.viewStateEmitter.fire({ webviewPanel: this });
  }
}

export interface ShownDocument {
  path: string;
  options: { viewColumn?: number; preview?: boolean; preserveFocus?: boolean; selection?: Range };
  revealed: Range[];
}

/** Everything the fake records; tests reset it between cases. */
export const recorded = {
  panels: [] as FakeWebviewPanel[],
  serializers: [] as Array<{ viewType: string; serializer: { deserializeWebviewPanel(panel: unknown, state: unknown): PromiseLike<void> } }>,
  shown: [] as ShownDocument[],
  errors: [] as string[],
  /** Paths of the documents opened (read), shown or not. */
  opened: [] as string[],
  /** Commands run and URIs handed to the OS: the panel must never cause either. */
  commands: [] as Array<{ command: string; args: unknown[] }>,
  external: [] as string[],
};

export function resetFake(): void {
  recorded.panels.length = 0;
  recorded.serializers.length = 0;
  recorded.shown.length = 0;
  recorded.errors.length = 0;
  recorded.opened.length = 0;
  recorded.commands.length = 0;
  recorded.external.length = 0;
  workspace.workspaceFolders = [];
}

interface FakeDocument {
  uri: Uri;
  lineCount: number;
  lineAt(line: number): { range: Range; lineNumber: number; firstNonWhitespaceCharacterIndex: number };
}

export const workspace = {
  workspaceFolders: [] as Array<{ uri: Uri; name: string; index: number }>,
  async openTextDocument(uri: Uri): Promise<FakeDocument> {
    recorded.opened.push(uri.fsPath);
    const lines = (await fs.promises.readFile(uri.fsPath, 'utf8')).split('\n');
    return {
      uri,
      lineCount: lines.length,
      lineAt: (line: number) => {
        if (line < 0 || line >= lines.length) throw new Error(`Illegal line ${line}`);
        const text = lines[line]!;
        return { range: new Range(new Position(line, 0), new Position(line, text.length)), lineNumber: line, firstNonWhitespaceCharacterIndex: text.length - text.trimStart().length };
      },
    };
  },
};

export const window = {
  visibleTextEditors: [] as Array<{ viewColumn: number | undefined }>,
  createWebviewPanel(viewType: string, title: string, showOptions: unknown, options: unknown): FakeWebviewPanel {
    const panel = new FakeWebviewPanel(viewType, title, showOptions, options);
    recorded.panels.push(panel);
    return panel;
  },
  registerWebviewPanelSerializer(viewType: string, serializer: { deserializeWebviewPanel(panel: unknown, state: unknown): PromiseLike<void> }): Disposable {
    const entry = { viewType, serializer };
    recorded.serializers.push(entry);
    return new Disposable(() => recorded.serializers.splice(recorded.serializers.indexOf(entry), 1));
  },
  async showTextDocument(document: FakeDocument, options: ShownDocument['options']): Promise<{ revealRange(range: Range): void }> {
    const shown: ShownDocument = { path: document.uri.fsPath, options, revealed: [] };
    recorded.shown.push(shown);
    return { revealRange: (range: Range) => shown.revealed.push(range) };
  },
  async showErrorMessage(message: string): Promise<undefined> {
    recorded.errors.push(message);
    return undefined;
  },
};

export const commands = {
  async executeCommand(command: string, ...args: unknown[]): Promise<undefined> {
    recorded.commands.push({ command, args });
    return undefined;
  },
};

export const env = {
  async openExternal(uri: Uri): Promise<boolean> {
    recorded.external.push(uri.toString());
    return true;
  },
};
