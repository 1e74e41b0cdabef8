// Compare Storage Options: measures every storage option on the workspace's own index (in the index
// worker, through the report runner), shows the charts in the panel's Storage tab, and applies the option
// the user picks by changing the storage settings, which starts a migration that converts the kept vectors.
import * as vscode from 'vscode';
import type { StorageOptionSpec, TradeoffReport } from '../core/tradeoffs/types.ts';
import type { PanelTradeoffView } from '../protocol/panel-protocol.ts';
import { SECTION } from './configuration.ts';
import type { Controller } from './controller.ts';
import { ReportRunner, workspaceTarget, type ReportTabState } from './report-runner.ts';

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

/** The command and the Storage tab's buttons: the comparison runs in the report runner; Apply writes the storage settings. */
export class TradeoffUi {
  private readonly controller: Controller;
  private readonly runner: ReportRunner<TradeoffReport>;

  constructor(controller: Controller, panel: TradeoffPanel) {
    this.controller = controller;
    const view = ({ state, detail, report, busy }: ReportTabState<TradeoffReport>): PanelTradeoffView =>
      ({ state: state === 'running' ? 'measuring' : state, detail, report, applying: busy });
    this.runner = new ReportRunner<TradeoffReport>({
      show: (state, reveal) => (reveal ? panel.showTradeoffs(view(state)) : panel.updateTradeoffs(view(state))),
      progressTitle: 'Semantic Search: comparing storage options',
      starting: 'Measuring every storage option on your index…',
      progress: (update) => `Measuring ${update.message} (${update.done} of ${update.total})…`,
      cancelled: 'Measuring was cancelled.',
      // The header already gives the vectors and queries; say which folder in a multi-root workspace.
      done: (name) => (controller.folders.length > 1 ? `Measured on the index of ${name}.` : ''),
    });
  }

  /** Measures (cancellable, with progress in a notification and in the panel) and shows the result. */
  async compare(reveal = true): Promise<void> {
    if (this.controller.folders.length === 0) {
      void vscode.window.showInformationMessage('Compare Storage Options needs an open folder with an index.');
      return;
    }
    await this.runner.run(reveal, () => this.controller.ensureConfigured(), (token, onProgress) => this.controller.client.request('tradeoffs', {}, token, onProgress));
  }

  /** Writes the option into the workspace's storage settings; the settings change starts the migration. */
  async apply(option: StorageOptionSpec): Promise<void> {
    const report = this.runner.report;
    const entry = report?.options.find((candidate) => JSON.stringify(candidate.option) === JSON.stringify(option));
    const label = entry?.label ?? option.kind;
    await this.runner.act(`Switching to vectors stored as ${label}…`, async () => {
      const values = storageSettingValues(option);
      const configuration = vscode.workspace.getConfiguration(SECTION);
      // Per workspace: the trade-off was measured on this workspace's index.
      const target = workspaceTarget();
      await configuration.update('storage.kind', values.kind, target);
      await configuration.update('storage.rescore', values.rescore, target);
      await configuration.update('storage.dimensions', values.dimensions === 0 ? undefined : values.dimensions, target);
      await configuration.update('storage.oversampling', values.oversampling === 0 ? undefined : values.oversampling, target);
      void vscode.window.showInformationMessage(`Semantic Search: converting the index to store its vectors as ${label}. Searches keep using the current one until it is done.`);
      return {
        detail: `Applied: vectors stored as ${label}. The index is being converted from the vectors it keeps (no embedding); searches use the current one until it is done.`,
        report: report && { ...report, options: report.options.map((candidate) => ({ ...candidate, current: candidate === entry })) },
      };
    }, 'Could not apply');
  }
}
