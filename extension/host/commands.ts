// The extension's commands, one small function each, registered in one place.
import path from 'node:path';
import * as vscode from 'vscode';
import { WorkerRequestError } from './index-client.ts';
import type { Controller } from './controller.ts';
import { showQuickSearch } from './quick-search.ts';
import { toPanelResults } from './results.ts';
import type { SearchScope } from '../core/search/scope.ts';
import { filtersOf, type PanelFilters, type PanelResult } from '../protocol/panel-protocol.ts';
import { findDuplicates } from './duplicates.ts';
import type { MigrationUi } from './migration.ts';
import type { TradeoffUi } from './tradeoffs.ts';
import type { ModelEvaluationUi } from './model-evaluation-ui.ts';
import { statusMarkdown } from './status-report.ts';

/** The results panel, as the commands use it. */
export interface PanelHost {
  show(query?: string, results?: PanelResult[], filters?: PanelFilters): void;
  /** Where a result opened from a QuickPick goes: a column other than the panel's while the panel is the active editor. */
  resultColumn(): vscode.ViewColumn | undefined;
}

const isCancellation = (error: unknown) => error instanceof WorkerRequestError && error.kind === 'aborted';

/** The live search's scope: the next search starts where the last one was left, for this window. */
let quickSearchScope: SearchScope = 'all';

function search(controller: Controller, panel: PanelHost, initialQuery?: string): Promise<void> {
  if (controller.folders.length === 0) {
    void vscode.window.showInformationMessage('Semantic Search needs an open folder. Open a folder or workspace, then search.');
    return Promise.resolve();
  }
  void controller.ensureConfigured();
  let answered = false;
  return showQuickSearch({
    title: 'Semantic Search',
    placeholder: 'Describe the code or docs you are looking for, e.g. "retry a failed request"',
    multiRoot: controller.folders.length > 1,
    initialQuery,
    scope: { initial: quickSearchScope, changed: (scope) => (quickSearchScope = scope) },
    search: async (query, token, scope) => {
      const response = await controller.search(query, { scope }, token);
      answered ||= response.results.length > 0;
      return { results: response.results, notice: response.notice };
    },
    open: (result, preview) => controller.openResult(result, preview, panel.resultColumn()),
    showInPanel: (query, results, scope) => panel.show(query, results, filtersOf({ languages: [], pathGlob: '', scope })),
  }).then(() => {
    if (answered) controller.noteSearchAnswered();
  });
}

async function findSimilar(controller: Controller, panel: PanelHost): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Select some code in an editor, then run Find Similar to Selection.');
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri);
  if (!folder) {
    void vscode.window.showInformationMessage('Find Similar works on files inside an open workspace folder.');
    return;
  }
  // No selection: the current line's block stands in (the lines around the cursor up to blank lines).
  let selection: vscode.Range = editor.selection;
  if (editor.selection.isEmpty) {
    const document = editor.document;
    let start = editor.selection.active.line;
    let end = start;
    while (start > 0 && !document.lineAt(start - 1).isEmptyOrWhitespace) start -= 1;
    while (end < document.lineCount - 1 && !document.lineAt(end + 1).isEmptyOrWhitespace) end += 1;
    selection = new vscode.Range(start, 0, end, document.lineAt(end).text.length);
  }
  const text = editor.document.getText(selection);
  if (text.trim() === '') {
    void vscode.window.showInformationMessage('The selection is empty. Select some code to find code like it.');
    return;
  }
  await controller.ensureConfigured();
  const relative = path.relative(folder.uri.fsPath, editor.document.uri.fsPath).split(path.sep).join('/');
  const similar = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Finding similar code' }, () =>
    controller.client.request('similar', { folder: folder.uri.toString(), path: relative, text, startLine: selection.start.line + 1, endLine: selection.end.line + 1, k: 20 }),
  );
  let results = toPanelResults(similar.hits, controller.folderNames);
  const below = toPanelResults(similar.belowThreshold, controller.folderNames);
  const threshold = similar.threshold === undefined ? '' : ` (${similar.threshold.toFixed(2)})`;
  if (results.length === 0) {
    if (below.length === 0) {
      void vscode.window.showInformationMessage('No indexed code to compare the selection with. Is the workspace indexed? (Semantic Search: Index Workspace)');
      return;
    }
    const show = `Show ${below.length}`;
    const choice = await vscode.window.showInformationMessage(`No code is similar enough to the selection by this model's calibrated threshold${threshold}. ${below.length} less similar ${below.length === 1 ? 'result lies' : 'results lie'} below it.`, show);
    if (choice !== show) return;
    results = below;
  }
  await showQuickSearch({
    title: `Similar to ${relative}:${selection.start.line + 1}-${selection.end.line + 1}`,
    placeholder: 'Code similar to the selection, most similar first',
    multiRoot: controller.folders.length > 1,
    initialResults: results,
    // What the model calls unrelated is there, one step away, never mixed in unasked.
    more: results === below || below.length === 0 ? undefined : { label: `${below.length} more below the similarity threshold${threshold}`, results: below },
    search: async () => ({ results, notice: undefined }),
    open: (result, preview) => controller.openResult(result, preview, panel.resultColumn()),
    showInPanel: (_query, shown) => panel.show('', shown),
  });
}

async function clearIndex(controller: Controller, options: unknown): Promise<void> {
  // Called from code (a test, another extension) with { confirmed: true }, it does not ask.
  const confirmed = typeof options === 'object' && options !== null && (options as { confirmed?: unknown }).confirmed === true;
  if (!confirmed) {
    const choice = await vscode.window.showWarningMessage('Delete the semantic index of every workspace folder? Searching needs a new index afterwards.', { modal: true }, 'Delete Index');
    if (choice !== 'Delete Index') return;
  }
  await controller.ensureConfigured();
  await controller.client.request('clear', {});
  void vscode.window.showInformationMessage('The semantic index was cleared. Run "Semantic Search: Index Workspace" to build it again.');
}

/** The status details as a read-only document (no "unsaved changes" when it is closed). */
class StatusDocument implements vscode.TextDocumentContentProvider {
  static readonly uri = vscode.Uri.from({ scheme: 'semantic-search', path: '/Semantic Search Status.md' });
  private content = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(): string {
    return this.content;
  }

  set(content: string): void {
    this.content = content;
    this.changed.fire(StatusDocument.uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

async function showStatus(controller: Controller, statusDocument: StatusDocument): Promise<void> {
  await controller.ensureConfigured();
  const details = await controller.client.request('details', {});
  statusDocument.set(statusMarkdown(controller.state, details));
  const document = await vscode.workspace.openTextDocument(StatusDocument.uri);
  await vscode.languages.setTextDocumentLanguage(document, 'markdown');
  // Rendered: headings and bold labels, not Markdown source. The built-in Markdown extension can be disabled;
  // the source is still readable then.
  try {
    await vscode.commands.executeCommand('markdown.showPreview', StatusDocument.uri);
  } catch (error) {
    controller.log.warn(`The Markdown preview is not available (${error instanceof Error ? error.message : String(error)}); showing the status as text.`);
    await vscode.window.showTextDocument(document, { preview: true });
  }
}

/** Registers every command; returns their disposables. */
export function registerCommands(controller: Controller, panel: PanelHost, migration: MigrationUi, tradeoffs: TradeoffUi, models: ModelEvaluationUi): vscode.Disposable[] {
  const statusDocument = new StatusDocument();
  const guard = (name: string, run: () => Promise<unknown>) => async () => {
    try {
      await run();
    } catch (error) {
      if (isCancellation(error)) return;
      controller.log.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      const choice = await vscode.window.showErrorMessage(`Semantic Search: ${name} failed: ${error instanceof Error ? error.message : String(error)}`, 'Open Log');
      if (choice === 'Open Log') controller.log.show();
    }
  };
  return [
    statusDocument,
    vscode.workspace.registerTextDocumentContentProvider(StatusDocument.uri.scheme, statusDocument),
    vscode.commands.registerCommand('semanticSearch.search', (query?: unknown) => guard('search', () => search(controller, panel, typeof query === 'string' ? query : undefined))()),
    vscode.commands.registerCommand('semanticSearch.findSimilar', guard('Find Similar', () => findSimilar(controller, panel))),
    vscode.commands.registerCommand('semanticSearch.showPanel', guard('Show Panel', async () => panel.show())),
    vscode.commands.registerCommand('semanticSearch.indexWorkspace', guard('Index Workspace', () => controller.runIndex('index', true))),
    vscode.commands.registerCommand('semanticSearch.rebuildIndex', guard('Rebuild Index', () => controller.runIndex('rebuild', true))),
    vscode.commands.registerCommand('semanticSearch.pauseIndexing', guard('Pause Indexing', async () => {
      await controller.ensureConfigured();
      await controller.client.request('pause', {});
    })),
    vscode.commands.registerCommand('semanticSearch.resumeIndexing', guard('Resume Indexing', async () => {
      await controller.ensureConfigured();
      await controller.client.request('resume', {});
    })),
    vscode.commands.registerCommand('semanticSearch.clearIndex', (options?: unknown) => guard('Clear Index', () => clearIndex(controller, options))()),
    vscode.commands.registerCommand('semanticSearch.showStatus', guard('Show Index Status', () => showStatus(controller, statusDocument))),
    vscode.commands.registerCommand('semanticSearch.showLog', () => controller.log.show()),
    vscode.commands.registerCommand('semanticSearch.showMigrationReport', guard('Show Migration Report', () => migration.showReport())),
    // The panel's Refresh button: measure again rather than show the saved report.
    vscode.commands.registerCommand('semanticSearch.refreshMigrationReport', guard('Refresh Migration Report', () => migration.showReport(true))),
    vscode.commands.registerCommand('semanticSearch.cutOver', guard('Cut Over', () => migration.cutOver())),
    vscode.commands.registerCommand('semanticSearch.rollBack', guard('Roll Back', () => migration.rollBack())),
    vscode.commands.registerCommand('semanticSearch.findDuplicates', guard('Find Duplicates', () => findDuplicates(controller))),
    vscode.commands.registerCommand('semanticSearch.compareStorageOptions', guard('Compare Storage Options', () => tradeoffs.compare())),
    vscode.commands.registerCommand('semanticSearch.evaluateModels', guard('Which Model Suits My Code?', () => models.evaluate())),
  ];
}
