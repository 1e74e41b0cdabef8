// The migration UI: notifications when a new index is cut over or waits for a decision, the report in
// the panel, and the Cut Over / Roll Back / Show Migration Report commands. The state and the report
// come from the index worker; the views are built in migration-presenter.ts.
import * as vscode from 'vscode';
import type { MigrationReport } from '../core/migration/report.ts';
import type { FolderState, ServiceState } from '../core/service/workspace-service.ts';
import type { MigrationAction, PanelMigrationView } from '../protocol/panel-protocol.ts';
import { SECTION } from './configuration.ts';
import type { Controller } from './controller.ts';
import { migrationNotices, migrationView, modelSettingFor, type MigrationNotice } from './migration-presenter.ts';
import { withCancellableProgress } from './report-runner.ts';
import { storageSettingValues } from './tradeoffs.ts';

/** The results panel, as the migration UI uses it. */
export interface MigrationPanel {
  /** Opens the panel on the migration view with this content. */
  showMigration(view: PanelMigrationView): void;
  /** Replaces the migration view's content if the panel is open, without revealing it. */
  updateMigration?(view: PanelMigrationView): void;
}

export class MigrationUi implements vscode.Disposable {
  private readonly controller: Controller;
  private readonly panel: MigrationPanel;
  private readonly reports = new Map<string, MigrationReport>();
  private previous: FolderState[] | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(controller: Controller, panel: MigrationPanel) {
    this.controller = controller;
    this.panel = panel;
    this.subscription = controller.client.onDidChangeState((state) => this.onState(state));
  }

  /** The current view (state plus the reports fetched so far). */
  view(): PanelMigrationView {
    return migrationView(this.controller.state?.folders ?? [], this.reports);
  }

  /** Fetches the reports (computing them when none is saved, or when `refresh`) and shows them in the panel. */
  async showReport(refresh = false): Promise<void> {
    await this.controller.ensureConfigured();
    const reports = await withCancellableProgress('Semantic Search: comparing the old and new model on your code', (token) => this.controller.client.request('migrationReports', { refresh }, token));
    this.reports.clear();
    for (const { folder, report } of reports) this.reports.set(folder, report);
    if (reports.length === 0) {
      void vscode.window.showInformationMessage('Semantic Search: there is no model change to report on. Change semanticSearch.model.name to start one.', 'Change Model Setting').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.model`);
      });
    }
    this.panel.showMigration(this.view());
  }

  async cutOver(): Promise<void> {
    await this.controller.ensureConfigured();
    // The state change that follows is announced like an automatic cutover (see onState).
    await this.controller.client.request('cutOver', {});
  }

  /** Returns to the index the last cutover replaced (or abandons a build) and sets the model settings back to its model. */
  async rollBack(): Promise<void> {
    await this.controller.ensureConfigured();
    const started = performance.now();
    const restored = await this.controller.client.request('rollBack', {});
    const milliseconds = performance.now() - started;
    const first = restored[0];
    if (first?.modelDirectory) {
      // Otherwise the next index run would start the same migration again.
      const values = modelSettingFor(first.modelDirectory, first.quantization, this.controller.context.extensionPath, this.controller.context.globalStorageUri.fsPath);
      const configuration = vscode.workspace.getConfiguration(SECTION);
      const inspected = configuration.inspect('model.name');
      const target = inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await configuration.update('model.name', values.name, target);
      if (values.path !== undefined) await configuration.update('model.path', values.path, target);
      if (values.quantization !== undefined) await configuration.update('model.quantization', values.quantization, target);
      // And the storage: a rollback from int8 to float32 of one model is a storage change.
      const storage = storageSettingValues(first.storage);
      const storageTarget = (key: string) => {
        const setting = configuration.inspect(key);
        return setting?.workspaceFolderValue !== undefined || setting?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      };
      const current = { kind: configuration.get('storage.kind'), rescore: configuration.get('storage.rescore'), dimensions: configuration.get('storage.dimensions'), oversampling: configuration.get('storage.oversampling') };
      if (current.kind !== storage.kind) await configuration.update('storage.kind', storage.kind, storageTarget('storage.kind'));
      if (storage.rescore !== undefined && current.rescore !== storage.rescore) await configuration.update('storage.rescore', storage.rescore, storageTarget('storage.rescore'));
      if (current.dimensions !== storage.dimensions) await configuration.update('storage.dimensions', storage.dimensions === 0 ? undefined : storage.dimensions, storageTarget('storage.dimensions'));
    }
    void vscode.window.showInformationMessage(`Semantic Search rolled back to ${first?.label ?? 'the previous model'} in ${Math.max(1, Math.round(milliseconds))} ms; the model settings were set back to it.`);
    this.refreshPanel();
  }

  /** What the panel's migration buttons ask for. */
  async onAction(action: MigrationAction): Promise<void> {
    try {
      if (action === 'cutOver') await vscode.commands.executeCommand('semanticSearch.cutOver');
      else if (action === 'rollBack') await vscode.commands.executeCommand('semanticSearch.rollBack');
      else await vscode.commands.executeCommand('semanticSearch.refreshMigrationReport');
    } finally {
      // The panel keeps its buttons disabled until it hears back, whatever the outcome.
      this.refreshPanel();
    }
  }

  private onState(state: ServiceState): void {
    const notices = migrationNotices(this.previous, state.folders);
    this.previous = state.folders.map((folder) => ({ ...folder }));
    for (const notice of notices) void this.notify(notice);
    this.refreshPanel();
  }

  private refreshPanel(): void {
    this.panel.updateMigration?.(this.view());
  }

  private async notify(notice: MigrationNotice): Promise<void> {
    const where = (this.controller.folders.length > 1 ? ` (${notice.folder})` : '');
    let choice: string | undefined;
    if (notice.kind === 'awaiting-decision') {
      this.controller.log.info(`The new ${notice.toModel} index${where} waits for a decision: ${notice.reason}`);
      choice = await vscode.window.showWarningMessage(`Semantic Search: the new ${notice.toModel} index${where} is ready, but ${notice.reason}`, 'Show Report', 'Cut Over', 'Roll Back');
    } else if (notice.kind === 'cut-over') {
      this.controller.log.info(`Cut over${where} from ${notice.fromModel ?? 'nothing'} to ${notice.toModel}.`);
      choice = await vscode.window.showInformationMessage(`Semantic Search now answers with ${notice.toModel}${notice.fromModel ? ` instead of ${notice.fromModel}` : ''}${where}. Searches never stopped while it was built.`, 'Show Report', 'Roll Back');
    } else if (notice.kind === 'recovered') {
      // The service has logged it already and is rebuilding; the damaged file's new name is in the message.
      choice = await vscode.window.showWarningMessage(`Semantic Search${where}: ${notice.message}`, 'Open Log');
    } else {
      this.controller.log.warn(`${notice.folder}: ${notice.message}`);
      choice = await vscode.window.showWarningMessage(`Semantic Search${where}: ${notice.message}`, 'Rebuild Index');
    }
    if (choice === 'Show Report') void vscode.commands.executeCommand('semanticSearch.showMigrationReport');
    if (choice === 'Cut Over') void vscode.commands.executeCommand('semanticSearch.cutOver');
    if (choice === 'Roll Back') void vscode.commands.executeCommand('semanticSearch.rollBack');
    if (choice === 'Rebuild Index') void vscode.commands.executeCommand('semanticSearch.rebuildIndex');
    if (choice === 'Open Log') this.controller.log.show();
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
