// The extension's entry point. Activation only wires things up: the index worker (and with it the
// ONNX runtime, tree-sitter and SQLite) starts when a command needs it or auto-indexing begins.
import * as vscode from 'vscode';
import { registerCommands } from './commands.ts';
import { Controller } from './controller.ts';
import { ResultsPanel, registerResultsPanelSerializer } from './results-panel.ts';

/** The one adapter from a standard AbortSignal (the panel's) to a VS Code cancellation token. */
function tokenFromSignal(signal: AbortSignal): vscode.CancellationToken {
  const source = new vscode.CancellationTokenSource();
  if (signal.aborted) source.cancel();
  else signal.addEventListener('abort', () => source.cancel(), { once: true });
  return source.token;
}

export function activate(context: vscode.ExtensionContext): void {
  const controller = new Controller(context);
  const panel = new ResultsPanel({
    extensionUri: context.extensionUri,
    search: (query, filters, signal) => controller.search(query, { languages: filters.languages, pathGlob: filters.pathGlob || undefined }, tokenFromSignal(signal)),
    indexStatus: () => controller.indexStatus(),
    onDidChangeIndexStatus: controller.onDidChangeIndexStatus,
    logger: { warn: (message) => controller.log.warn(message) },
  });
  context.subscriptions.push(controller, panel, registerResultsPanelSerializer(panel), ...registerCommands(controller, panel));
  if (controller.folders.length > 0 && vscode.workspace.getConfiguration('semanticSearch').get<boolean>('indexing.autoIndex', true)) {
    // After start-up settles, so the first index never competes with the window opening.
    const timer = setTimeout(() => void controller.runIndex('index', false).catch((error: unknown) => controller.log.error(String(error))), 2000);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
