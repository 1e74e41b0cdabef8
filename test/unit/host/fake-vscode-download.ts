// A small stand-in for the `vscode` module, enough for `extension/host/model-download.ts`,
// `configuration.ts`, `index-client.ts` and `report-runner.ts`: notifications whose answers the test scripts, a progress
// notification the test can cancel, recorded commands, event emitters, and settings read from a plain
// object. `model-download.test.ts`, `index-client-shutdown.test.ts` and `report-runner.test.ts` map the `vscode` specifier here
// with `module.registerHooks`.

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
    this.listeners.clear();
  }
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 } as const;

/** One notification shown; `answer` is what the test's script returned for it. */
export interface ShownMessage {
  severity: 'information' | 'error';
  message: string;
  items: string[];
}

/** One `withProgress` call: its options, what it reported, and a way to press its Cancel button. */
export interface ProgressRecord {
  options: { location: number; title?: string; cancellable?: boolean };
  reports: Array<{ message?: string; increment?: number }>;
  cancel(): void;
}

/** Answers a notification (undefined: the user closed it). May return a promise to answer later. */
export type Answerer = (shown: ShownMessage) => string | undefined | Promise<string | undefined>;

export const recorded = {
  messages: [] as ShownMessage[],
  progress: [] as ProgressRecord[],
  commands: [] as unknown[][],
};

export const script = {
  answer: (() => undefined) as Answerer,
  /** Called when a progress notification starts. */
  onProgress: undefined as ((record: ProgressRecord) => void) | undefined,
  /** Settings under `semanticSearch`, by key without the section (`model.name`). */
  settings: {} as Record<string, unknown>,
  /** Keys set by the workspace rather than the user. */
  workspaceKeys: new Set<string>(),
};

export function resetFake(): void {
  recorded.messages.length = 0;
  recorded.progress.length = 0;
  recorded.commands.length = 0;
  script.answer = () => undefined;
  script.onProgress = undefined;
  script.settings = {};
  script.workspaceKeys = new Set();
}

async function show(severity: ShownMessage['severity'], message: string, items: string[]): Promise<string | undefined> {
  const shown = { severity, message, items };
  recorded.messages.push(shown);
  return script.answer(shown);
}

export const window = {
  showInformationMessage: (message: string, ...items: string[]) => show('information', message, items),
  showErrorMessage: (message: string, ...items: string[]) => show('error', message, items),
  async withProgress<R>(
    options: ProgressRecord['options'],
    task: (progress: { report(value: { message?: string; increment?: number }): void }, token: CancellationTokenSource['token']) => Promise<R>,
  ): Promise<R> {
    const source = new CancellationTokenSource();
    const record: ProgressRecord = { options, reports: [], cancel: () => source.cancel() };
    recorded.progress.push(record);
    script.onProgress?.(record);
    return task({ report: (value) => record.reports.push(value) }, source.token);
  },
};

export const commands = {
  async executeCommand(...args: unknown[]): Promise<undefined> {
    recorded.commands.push(args);
    return undefined;
  },
};

export const workspace = {
  isTrusted: true,
  getConfiguration(section: string) {
    const key = (name: string) => (section === 'semanticSearch' ? name : `${section.replace(/^semanticSearch\.?/, '')}.${name}`);
    return {
      get<T>(name: string, fallback: T): T {
        return (key(name) in script.settings ? script.settings[key(name)] : fallback) as T;
      },
      inspect<T>(name: string): { workspaceValue?: T } | undefined {
        return script.workspaceKeys.has(key(name)) ? { workspaceValue: script.settings[key(name)] as T } : {};
      },
    };
  },
};
