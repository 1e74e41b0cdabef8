// Compare Storage Options: measures every storage option on the workspace's own index (in the index
// worker), shows the charts in the panel's Storage tab, and applies the option the user picks by
// changing the storage settings, which starts a migration that converts the kept vectors.
import * as vscode from 'vscode';
import type { StorageOptionSpec, TradeoffReport } from '../core/tradeoffs/types.ts';
import type { PanelTradeoffView } from '../protocol/panel-protocol.ts';
import { SECTION } from './configuration.ts';
import type { Controller } from './controller.ts';
import { WorkerRequestError } from './index-client.ts';

/** The results panel, as the trade-off UI uses it. */
export interface TradeoffPanel {
  showTradeoffs(view: PanelTradeoffView): void;
  updateTradeoffs(view: PanelTradeoffView): void;
}

/** The settings values that select a storage option (0 = default / all dimensions). */
export function storageSettingValues(option: StorageOptionSpec): { kind: string; rescore: string | undefined; dimensions: number; oversampling: number } {
  return {
    kind: option.kind,
    rescore: option.kind === 'binary' ? (option.rescore ?? 'float32') : undefined,
    dimensions: option.dimensions ?? 0,
    oversampling: option.kind === 'float32' ? 0 : (option.oversampling ?? 0),
  };
}

export class TradeoffUi {
  private readonly controller: Controller;
  private readonly panel: TradeoffPanel;
  private report: TradeoffReport | null = null;
  private measuring: vscode.CancellationTokenSource | undefined;

  constructor(controller: Controller, panel: TradeoffPanel) {
    this.controller = controller;
    this.panel = panel;
  }

  /** Measures (cancellable, with progress in a notification and in the panel) and shows the result. */
  async compare(reveal = true): Promise<void> {
    if (this.controller.folders.length === 0) {
      void vscode.window.showInformationMessage('Compare Storage Options needs an open folder with an index.');
      return;
    }
    this.measuring?.cancel();
    const view = (state: PanelTradeoffView['state'], detail: string): PanelTradeoffView => ({ state, detail, report: this.report, applying: false });
    const first = view('measuring', 'Measuring every storage option on your index…');
    if (reveal) this.panel.showTradeoffs(first);
    else this.panel.updateTradeoffs(first);
    await this.controller.ensureConfigured();
    const source = new vscode.CancellationTokenSource();
    this.measuring = source;
    try {
      const { name, report } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Semantic Search: comparing storage options', cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => source.cancel());
          let reported = 0;
          return this.controller.client.request('tradeoffs', {}, source.token, (update) => {
            const percent = update.total > 0 ? Math.floor((update.done / update.total) * 100) : 0;
            progress.report({ increment: Math.max(0, percent - reported), message: update.message });
            reported = Math.max(reported, percent);
            this.panel.updateTradeoffs(view('measuring', `Measuring ${update.message} (${update.done} of ${update.total})…`));
          });
        },
      );
      this.report = report;
      // The header already gives the vectors and queries; say which folder in a multi-root workspace.
      this.panel.updateTradeoffs(view('ready', this.controller.folders.length > 1 ? `Measured on the index of ${name}.` : ''));
    } catch (error) {
      const cancelled = error instanceof WorkerRequestError && error.kind === 'aborted';
      this.panel.updateTradeoffs(view('failed', cancelled ? 'Measuring was cancelled.' : error instanceof Error ? error.message : String(error)));
      if (!cancelled) throw error;
    } finally {
      if (this.measuring === source) this.measuring = undefined;
      source.dispose();
    }
  }

  /** Writes the option into the workspace's storage settings; the settings change starts the migration. */
  async apply(option: StorageOptionSpec): Promise<void> {
    const entry = this.report?.options.find((candidate) => JSON.stringify(candidate.option) === JSON.stringify(option));
    this.panel.updateTradeoffs({ state: 'ready', detail: `Switching to vectors stored as ${entry?.label ?? option.kind}…`, report: this.report, applying: true });
    try {
      const values = storageSettingValues(option);
      const configuration = vscode.workspace.getConfiguration(SECTION);
      // Per workspace: the trade-off was measured on this workspace's index.
      const target = vscode.workspace.workspaceFile || vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await configuration.update('storage.kind', values.kind, target);
      await configuration.update('storage.rescore', values.rescore, target);
      await configuration.update('storage.dimensions', values.dimensions === 0 ? undefined : values.dimensions, target);
      await configuration.update('storage.oversampling', values.oversampling === 0 ? undefined : values.oversampling, target);
      const label = entry?.label ?? option.kind;
      this.panel.updateTradeoffs({
        state: 'ready',
        detail: `Applied: vectors stored as ${label}. The index is being converted from the vectors it keeps (no embedding); searches use the current one until it is done.`,
        report: this.report && { ...this.report, options: this.report.options.map((candidate) => ({ ...candidate, current: candidate === entry })) },
        applying: false,
      });
      void vscode.window.showInformationMessage(`Semantic Search: converting the index to store its vectors as ${label}. Searches keep using the current one until it is done.`);
    } catch (error) {
      this.panel.updateTradeoffs({ state: 'failed', detail: `Could not apply: ${error instanceof Error ? error.message : String(error)}`, report: this.report, applying: false });
      throw error;
    }
  }
}
