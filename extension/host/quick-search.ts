// The live search QuickPick: results update as the user types (debounced; the search in flight is
// cancelled on each keystroke), the highlighted result is previewed in the editor, Enter opens it at
// its range, a button sends the results to the panel, and another (live search only) moves between every
// file, source code only and documentation only.
import * as vscode from 'vscode';
import type { SearchScope } from '../core/search/scope.ts';
import type { PanelResult } from '../protocol/panel-protocol.ts';
import { quickPickText } from './results.ts';
import { rememberEditorPlace } from './editor-place.ts';

interface ResultItem extends vscode.QuickPickItem {
  /** Undefined for the row that shows more results. */
  result: PanelResult | undefined;
}

export interface QuickSearchOptions {
  title: string;
  placeholder: string;
  /** Runs a search in a scope; rejects with an AbortError-named error when cancelled. */
  search: (query: string, token: vscode.CancellationToken, scope: SearchScope) => Promise<{ results: PanelResult[]; notice: string | undefined }>;
  /** Opens a result's range (in preview when `preview`). */
  open: (result: PanelResult, preview: boolean) => Promise<void>;
  /** Sends the query, its results and the scope they were found in to the results panel. */
  showInPanel: (query: string, results: PanelResult[], scope: SearchScope) => void;
  /** Offers the scope button, starting at this scope; told each change (to start there next time). */
  scope?: { initial: SearchScope; changed: (scope: SearchScope) => void };
  multiRoot: boolean;
  /** Starts with this query (and searches it at once). */
  initialQuery?: string;
  /** Results to show without searching (e.g. "find similar"). */
  initialResults?: PanelResult[];
  /** A last row that, when accepted, adds these results below the others (e.g. find similar's results under its threshold). */
  more?: { label: string; results: PanelResult[] };
  debounceMs?: number;
}

const PANEL_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('list-flat'), tooltip: 'Show the results in the Semantic Search panel' };

/** The scope button as it looks in each scope, and the scope a click moves to. */
const SCOPE_BUTTONS: Readonly<Record<SearchScope, { button: vscode.QuickInputButton; next: SearchScope; title: string }>> = {
  all: { button: { iconPath: new vscode.ThemeIcon('files'), tooltip: 'Searching all files: click for code only' }, next: 'code', title: '' },
  code: { button: { iconPath: new vscode.ThemeIcon('code'), tooltip: 'Searching code only: click for docs only' }, next: 'docs', title: ' (code only)' },
  docs: { button: { iconPath: new vscode.ThemeIcon('book'), tooltip: 'Searching docs only: click for all files' }, next: 'all', title: ' (docs only)' },
};

/** Shows the QuickPick; resolves when it closes. */
export function showQuickSearch(options: QuickSearchOptions): Promise<void> {
  const quickPick = vscode.window.createQuickPick<ResultItem>();
  quickPick.title = options.title;
  quickPick.placeholder = options.placeholder;
  // Our ranking is the order; the QuickPick's own fuzzy filter must not hide or reorder results.
  quickPick.matchOnDescription = false;
  quickPick.matchOnDetail = false;
  (quickPick as vscode.QuickPick<ResultItem> & { sortByLabel?: boolean }).sortByLabel = false;
  let scope: SearchScope = options.scope?.initial ?? 'all';
  const title = () => `${options.title}${options.scope ? SCOPE_BUTTONS[scope].title : ''}`;
  const showScope = () => {
    quickPick.buttons = options.scope ? [SCOPE_BUTTONS[scope].button, PANEL_BUTTON] : [PANEL_BUTTON];
    quickPick.title = title();
  };
  showScope();
  // Saved now: previewing a result in the same file moves this editor's cursor and scrolls it.
  const place = rememberEditorPlace();
  let accepted = false;
  let inFlight: vscode.CancellationTokenSource | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let previewTimer: NodeJS.Timeout | undefined;
  /** The preview being opened: restoring waits for it, or it would move the cursor again afterwards. */
  let previewing: Promise<unknown> = Promise.resolve();
  let current: PanelResult[] = [];
  const disposables: vscode.Disposable[] = [];

  let more = options.more;
  const setResults = (results: PanelResult[]) => {
    current = results;
    const items: ResultItem[] = results.map((result) => ({ ...quickPickText(result, options.multiRoot), alwaysShow: true, result }));
    if (more) items.push({ label: `$(ellipsis) ${more.label}`, description: 'show them', alwaysShow: true, result: undefined });
    quickPick.items = items;
  };

  const runSearch = async (query: string) => {
    inFlight?.cancel();
    inFlight?.dispose();
    if (query.trim() === '') {
      quickPick.busy = false;
      setResults([]);
      return;
    }
    const source = new vscode.CancellationTokenSource();
    inFlight = source;
    quickPick.busy = true;
    try {
      const { results, notice } = await options.search(query, source.token, scope);
      if (source.token.isCancellationRequested) return;
      setResults(results);
      quickPick.title = notice ? `${title()} — ${notice}` : title();
    } catch (error) {
      if (source.token.isCancellationRequested || (error instanceof Error && error.name === 'AbortError')) return;
      quickPick.title = `${title()} — ${(error as Error).message}`;
      setResults([]);
    } finally {
      if (inFlight === source) quickPick.busy = false;
    }
  };

  disposables.push(
    quickPick.onDidChangeValue((value) => {
      clearTimeout(debounce);
      // Cancel at once, so a slow search never answers a query that is no longer typed.
      inFlight?.cancel();
      debounce = setTimeout(() => void runSearch(value), options.debounceMs ?? 120);
    }),
    quickPick.onDidChangeActive((items) => {
      const item = items[0];
      clearTimeout(previewTimer);
      if (!item?.result) return;
      const result = item.result;
      // A short delay so arrowing through the list does not open every file on the way.
      previewTimer = setTimeout(() => (previewing = options.open(result, true).catch(() => undefined)), 150);
    }),
    quickPick.onDidAccept(async () => {
      const item = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
      if (!item) return;
      if (!item.result) {
        // The "more" row: its results join the list, and the first of them becomes the active row.
        const added = more?.results ?? [];
        more = undefined;
        setResults([...current, ...added]);
        const first = quickPick.items.find((candidate) => candidate.result === added[0]);
        if (first) quickPick.activeItems = [first];
        return;
      }
      accepted = true;
      clearTimeout(previewTimer);
      quickPick.hide();
      await options.open(item.result, false);
    }),
    quickPick.onDidTriggerButton((button) => {
      if (options.scope && button === SCOPE_BUTTONS[scope].button) {
        scope = SCOPE_BUTTONS[scope].next;
        options.scope.changed(scope);
        showScope();
        clearTimeout(debounce);
        void runSearch(quickPick.value);
        return;
      }
      if (button !== PANEL_BUTTON) return;
      accepted = true;
      quickPick.hide();
      options.showInPanel(quickPick.value, current, scope);
    }),
  );

  return new Promise<void>((resolve) => {
    disposables.push(
      quickPick.onDidHide(() => {
        clearTimeout(debounce);
        clearTimeout(previewTimer);
        inFlight?.cancel();
        inFlight?.dispose();
        for (const disposable of disposables) disposable.dispose();
        quickPick.dispose();
        // Escape after previewing returns to where the user was: the same selections, the same lines in view.
        if (!accepted && place) void previewing.then(() => place.restore()).catch(() => undefined);
        resolve();
      }),
    );
    if (options.initialResults) setResults(options.initialResults);
    if (options.initialQuery) {
      quickPick.value = options.initialQuery;
      if (!options.initialResults) void runSearch(options.initialQuery);
    }
    quickPick.show();
  });
}
