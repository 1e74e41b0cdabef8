// Which Model Suits My Code?: runs every installed model on the workspace's own documented code (in
// the index worker, through the report runner), shows the ranking in the panel's Models tab, and switches to the model the user
// picks by changing `semanticSearch.model.name`, which starts the usual model change (a new index
// built beside the current one).
import * as vscode from 'vscode';
import type { ModelEvaluationReport } from '../core/evaluation/types.ts';
import type { PanelModelsView } from '../protocol/panel-protocol.ts';
import { readSettings, SECTION } from './configuration.ts';
import type { Controller } from './controller.ts';
import { evaluationLocations } from './model-choice.ts';
import { ReportRunner, workspaceTarget, type ReportTabState } from './report-runner.ts';

/** The results panel, as the models UI uses it. */
export interface ModelsPanel {
  showModels(view: PanelModelsView): void;
  updateModels(view: PanelModelsView): void;
}

/** The command and the Models tab's buttons: the evaluation runs in the report runner; Use This Model writes the model setting. */
export class ModelEvaluationUi {
  private readonly controller: Controller;
  private readonly runner: ReportRunner<ModelEvaluationReport>;

  constructor(controller: Controller, panel: ModelsPanel) {
    this.controller = controller;
    const view = ({ state, detail, report, busy }: ReportTabState<ModelEvaluationReport>): PanelModelsView =>
      ({ state: state === 'running' ? 'evaluating' : state, detail, report, switching: busy });
    this.runner = new ReportRunner<ModelEvaluationReport>({
      show: (state, reveal) => (reveal ? panel.showModels(view(state)) : panel.updateModels(view(state))),
      progressTitle: 'Semantic Search: which model suits your code',
      starting: 'Running each installed model on your documented code…',
      progress: (update, percent) => `${update.message} (${percent}%)…`,
      cancelled: 'Evaluating was cancelled.',
      done: (name) => (controller.folders.length > 1 ? `Evaluated on the index of ${name}.` : ''),
    });
  }

  /** Evaluates (cancellable, with progress in a notification and in the panel) and shows the ranking. */
  async evaluate(reveal = true): Promise<void> {
    if (this.controller.folders.length === 0) {
      void vscode.window.showInformationMessage('Which Model Suits My Code? needs an open folder with an index.');
      return;
    }
    await this.runner.run(reveal, () => this.controller.ensureConfigured(), (token, onProgress) => {
      const locations = evaluationLocations(readSettings(), {
        extensionPath: this.controller.context.extensionPath,
        storageDirectory: this.controller.context.globalStorageUri.fsPath,
        trusted: vscode.workspace.isTrusted,
      });
      return this.controller.client.request('evaluateModels', { locations }, token, onProgress);
    });
  }

  /** Sets the model setting to the chosen model; the settings change starts the model change. */
  async use(model: string): Promise<void> {
    const evaluated = this.runner.report?.models.find((candidate) => candidate.name === model);
    const label = evaluated?.displayName ?? model;
    await this.runner.act(`Switching to ${label}…`, async () => {
      // Per workspace: the evaluation was made on this workspace's code.
      await vscode.workspace.getConfiguration(SECTION).update('model.name', model, workspaceTarget());
      void vscode.window.showInformationMessage(`Semantic Search: indexing with ${label}. Searches keep using the current model until it is done.`);
      return { detail: `Switched to ${label}: the folder is being indexed with it; searches use the current model until the new index is complete.` };
    }, 'Could not switch');
  }
}
