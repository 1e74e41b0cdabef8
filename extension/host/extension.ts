// The extension's entry point. Activation only wires things up: the index worker (and with it the
// ONNX runtime, tree-sitter and SQLite) starts when a command needs it or auto-indexing begins.
import * as vscode from 'vscode';
import { registerCommands } from './commands.ts';
import { Controller } from './controller.ts';
import type { SearchRequestFilters, ServiceState } from '../core/service/workspace-service.ts';
import type { PanelResult } from '../protocol/panel-protocol.ts';
import { ResultsPanel, registerResultsPanelSerializer } from './results-panel.ts';
import { toPanelResults } from './results.ts';
import { MigrationUi } from './migration.ts';
import { TradeoffUi } from './tradeoffs.ts';
import { ModelEvaluationUi } from './model-evaluation-ui.ts';

/** The one adapter from a standard AbortSignal (the panel's) to a VS Code cancellation token. */
function tokenFromSignal(signal: AbortSignal): vscode.CancellationToken {
  const source = new vscode.CancellationTokenSource();
  if (signal.aborted) source.cancel();
  else signal.addEventListener('abort', () => source.cancel(), { once: true });
  return source.token;
}

/** What the extension exports to other extensions (and its own integration tests). */
export interface SemanticSearchApi {
  /** Searches every workspace folder with one ranking. */
  search(query: string, options?: Pick<SearchRequestFilters, 'languages' | 'pathGlob' | 'excludeTests' | 'scope'>): Promise<{ results: PanelResult[]; partial: boolean; notice: string | undefined }>;
  /** Code similar to a piece of text found in a file of the workspace. */
  findSimilar(location: { folder: string; path: string; startLine: number; endLine: number; text: string }, k?: number): Promise<PanelResult[]>;
  /** Brings the index up to date and resolves when it is. */
  index(): Promise<void>;
  /** The index worker's latest state (undefined before it has started). */
  state(): ServiceState | undefined;
  /** Fires whenever the state changes. */
  onDidChangeState: vscode.Event<ServiceState>;
  /** Milliseconds activate() took (what the extension adds to VS Code's start-up). */
  readonly activationMilliseconds: number;
}

export function activate(context: vscode.ExtensionContext): SemanticSearchApi {
  const activationStarted = performance.now();
  const controller = new Controller(context);
  activeController = controller;
  const panel = new ResultsPanel({
    extensionUri: context.extensionUri,
    search: (query, filters, signal) => controller.search(query, { languages: filters.languages, pathGlob: filters.pathGlob || undefined, excludeTests: filters.hideTests === true, scope: filters.scope }, tokenFromSignal(signal)),
    indexStatus: () => controller.indexStatus(),
    onDidChangeIndexStatus: controller.onDidChangeIndexStatus,
    logger: { warn: (message) => controller.log.warn(message) },
    relations: (request) => controller.relations(request),
  });
  const migration = new MigrationUi(controller, panel);
  const tradeoffs = new TradeoffUi(controller, panel);
  const models = new ModelEvaluationUi(controller, panel);
  const reportFailure = (what: string) => (error: unknown) => controller.log.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  context.subscriptions.push(
    controller,
    panel,
    migration,
    panel.onDidRequestMigrationAction((action) => void migration.onAction(action)),
    panel.onDidRequestApplyStorage((option) => void tradeoffs.apply(option).catch(reportFailure('Applying a storage option'))),
    panel.onDidRequestMeasureTradeoffs(() => void tradeoffs.compare(false).catch(reportFailure('Comparing storage options'))),
    panel.onDidRequestUseModel((model) => void models.use(model).catch(reportFailure('Switching models'))),
    panel.onDidRequestEvaluateModels(() => void models.evaluate(false).catch(reportFailure('Evaluating models'))),
    registerResultsPanelSerializer(panel),
    ...registerCommands(controller, panel, migration, tradeoffs, models),
  );
  if (controller.folders.length > 0 && vscode.workspace.getConfiguration('semanticSearch').get<boolean>('indexing.autoIndex', true)) {
    // After start-up settles, so the first index never competes with the window opening.
    const timer = setTimeout(() => void controller.runIndex('index', false).catch((error: unknown) => controller.log.error(String(error))), 2000);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
  const activationMilliseconds = performance.now() - activationStarted;
  controller.log.info(`Activated in ${activationMilliseconds.toFixed(1)} ms.`);
  return {
    activationMilliseconds,
    search: async (query, options = {}) => {
      const { results, partial, notice } = await controller.search(query, options);
      return { results, partial, notice };
    },
    findSimilar: async (location, k = 20) => {
      await controller.ensureConfigured();
      return toPanelResults((await controller.client.request('similar', { ...location, k })).hits, controller.folderNames);
    },
    index: () => controller.runIndex('index', false),
    state: () => controller.state,
    onDidChangeState: controller.client.onDidChangeState,
  };
}

/** The active controller, for deactivate. */
let activeController: Controller | undefined;

export async function deactivate(): Promise<void> {
  // The index worker closes its indexes and model before it goes (IndexClient.shutdown); everything
  // else is disposed through context.subscriptions.
  await activeController?.client.shutdown();
  activeController = undefined;
}
