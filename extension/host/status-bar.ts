// The status bar item: what the index is doing (indexing n/N with a percentage, ready, partial,
// paused, error) and which model and device answer searches. Clicking it shows the details.
import * as vscode from 'vscode';
import type { IndexProgress } from '../core/indexing/indexer.ts';
import { RunsProgress } from '../core/indexing/progress.ts';
import type { FolderPhase, ServiceState } from '../core/service/workspace-service.ts';
import { overallPhase, progressSummary, statusTooltip } from './status-text.ts';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  /** The runs of the folders being indexed; one that finished keeps its share until every folder is done. */
  private readonly progress = new RunsProgress<IndexProgress>();
  private state: ServiceState | undefined;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem('semanticSearch.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Semantic Search';
    this.item.command = command;
    this.render();
  }

  update(state: ServiceState): void {
    this.state = state;
    if (!state.folders.some((folder) => folder.phase === 'indexing')) this.progress.clear();
    this.render();
  }

  updateProgress(folder: string, progress: IndexProgress): void {
    this.progress.set(folder, progress);
    this.render();
  }

  /** Shown when nothing is indexed yet or before the worker reports. */
  showMessage(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  private render(): void {
    const state = this.state;
    if (!state || state.folders.length === 0) {
      this.item.text = '$(search) Semantic Search';
      this.item.tooltip = 'Semantic Search: no folder indexed yet. Click for details.';
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    const phase = state.paused ? 'paused' : overallPhase(state.folders.map((folder) => folder.phase));
    const runs = this.progress.list();
    const summary = progressSummary(runs, this.progress.figure());
    const texts: Record<FolderPhase, string> = {
      idle: '$(search) Semantic Search',
      loading: '$(loading~spin) Semantic Search: loading',
      indexing: `$(sync~spin) Indexing ${summary}`,
      ready: '$(check) Semantic Search',
      partial: '$(warning) Semantic Search: partial',
      paused: '$(debug-pause) Indexing paused',
      error: '$(error) Semantic Search',
    };
    const migrating = state.folders.find((folder) => folder.migration?.phase === 'building')?.migration;
    const awaiting = state.folders.some((folder) => folder.migration?.phase === 'awaiting-decision');
    if (phase === 'indexing' && migrating) texts.indexing = `$(sync~spin) Migrating to ${migrating.toModel} ${summary}`;
    this.item.text = awaiting && (phase === 'ready' || phase === 'idle') ? '$(git-compare) Semantic Search: new index ready' : texts[phase];
    this.item.tooltip = statusTooltip(state, phase, runs);
    this.item.backgroundColor = phase === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
