// Which Model Suits My Code?: runs every installed model on the workspace's own documented code (in
// the index worker), shows the ranking in the panel's Models tab, and switches to the model the user
// picks by changing `semanticSearch.model.name`, which starts the usual model change (a new index
// built beside the current one).
import * as vscode from 'vscode';
import type { ModelEvaluationReport } from '../core/evaluation/types.ts';
import type { PanelModelsView } from '../protocol/panel-protocol.ts';
import { readSettings, SECTION } from './configuration.ts';
import type { Controller } from './controller.ts';
import { WorkerRequestError } from './index-client.ts';
import { evaluationLocations } from './model-choice.ts';

/** The results panel, as the models UI uses it. */
export interface ModelsPanel {
  showModels(view: PanelModelsView): void;
  updateModels(view: PanelModelsView): void;
}

/** The command and the Models tab's buttons: one evaluation at a time, the last report kept for Use This Model. */
export class ModelEvaluationUi {
  private readonly controller: Controller;
  private readonly panel: ModelsPanel;
  private report: ModelEvaluationReport | null = null;
  private evaluating: vscode.CancellationTokenSource | undefined;

  constructor(controller: Controller, panel: ModelsPanel) {
    this.controller = controller;
    this.panel = panel;
  }

  /** Evaluates (cancellable, with progress in a notification and in the panel) and shows the ranking. */
  async evaluate(reveal = true): Promise<void> {
    if (this.controller.folders.length === 0) {
      void vscode.window.showInformationMessage('Which Model Suits My Code? needs an open folder with an index.');
      return;
    }
    this.evaluating?.cancel();
    const view = (state: PanelModelsView['state'], detail: string): PanelModelsView => ({ state, detail, report: this.report, switching: false });
    const first = view('evaluating', 'Running each installed model on your documented code…');
    if (reveal) this.panel.showModels(first);
    else this.panel.updateModels(first);
    await this.controller.ensureConfigured();
    const locations = evaluationLocations(readSettings(), {
      extensionPath: this.controller.context.extensionPath,
      storageDirectory: this.controller.context.globalStorageUri.fsPath,
      trusted: vscode.workspace.isTrusted,
    });
    const source = new vscode.CancellationTokenSource();
    this.evaluating = source;
    try {
      const { name, report } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Semantic Search: which model suits your code', cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => source.cancel());
          let reported = 0;
          return this.controller.client.request('evaluateModels', { locations }, source.token, (update) => {
            const percent = update.total > 0 ? Math.floor((update.done / update.total) * 100) : 0;
            progress.report({ increment: Math.max(0, percent - reported), message: update.message });
            reported = Math.max(reported, percent);
            this.panel.updateModels(view('evaluating', `${update.message} (${percent}%)…`));
          });
        },
      );
      this.report = report;
      this.panel.updateModels(view('ready', this.controller.folders.length > 1 ? `Evaluated on the index of ${name}.` : ''));
    } catch (error) {
      const cancelled = error instanceof WorkerRequestError && error.kind === 'aborted';
      this.panel.updateModels(view('failed', cancelled ? 'Evaluating was cancelled.' : error instanceof Error ? error.message : String(error)));
      if (!cancelled) throw error;
    } finally {
      if (this.evaluating === source) this.evaluating = undefined;
      source.dispose();
    }
  }

  /** Sets the model setting to the chosen model; the settings change starts the model change. */
  async use(model: string): Promise<void> {
    const evaluated = this.report?.models.find((candidate) => candidate.name === model);
    const label = evaluated?.displayName ?? model;
    this.panel.updateModels({ state: 'ready', detail: `Switching to ${label}…`, report: this.report, switching: true });
    try {
      const configuration = vscode.workspace.getConfiguration(SECTION);
      // Per workspace: the evaluation was made on this workspace's code.
      const target = vscode.workspace.workspaceFile || vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await configuration.update('model.name', model, target);
      this.panel.updateModels({
        state: 'ready',
        detail: `Switched to ${label}: the folder is being indexed with it; searches use the current model until the new index is complete.`,
        report: this.report,
        switching: false,
      });
      void vscode.window.showInformationMessage(`Semantic Search: indexing with ${label}. Searches keep using the current model until it is done.`);
    } catch (error) {
      this.panel.updateModels({ state: 'failed', detail: `Could not switch: ${error instanceof Error ? error.message : String(error)}`, report: this.report, switching: false });
      throw error;
    }
  }
}
