// The status bar item: what the index is doing (indexing n/N with a percentage, ready, partial,
// paused, error) and which model and device answer searches. Clicking it shows the details.
import * as vscode from 'vscode';
import type { IndexProgress } from '../core/indexing/indexer.ts';
import type { FolderPhase, ServiceState } from '../core/service/workspace-service.ts';
import { migrationLine, overallPhase, progressSummary } from './status-text.ts';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly progress = new Map<string, IndexProgress>();
  private state: ServiceState | undefined;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem('semanticSearch.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Semantic Search';
    this.item.command = command;
    this.render();
  }

  update(state: ServiceState): void {
    this.state = state;
    for (const folder of state.folders) if (folder.phase !== 'indexing') this.progress.delete(folder.key);
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
    const model = state.model ? `${state.model.displayName} (${state.model.quantization}) on ${state.model.provider}` : 'model not loaded yet';
    const texts: Record<FolderPhase, string> = {
      idle: '$(search) Semantic Search',
      loading: '$(loading~spin) Semantic Search: loading',
      indexing: `$(sync~spin) Indexing ${progressSummary([...this.progress.values()])}`,
      ready: '$(check) Semantic Search',
      partial: '$(warning) Semantic Search: partial',
      paused: '$(debug-pause) Indexing paused',
      error: '$(error) Semantic Search',
    };
    const migrating = state.folders.find((folder) => folder.migration?.phase === 'building')?.migration;
    const awaiting = state.folders.some((folder) => folder.migration?.phase === 'awaiting-decision');
    if (phase === 'indexing' && migrating) texts.indexing = `$(sync~spin) Migrating to ${migrating.toModel} ${progressSummary([...this.progress.values()])}`;
    this.item.text = awaiting && (phase === 'ready' || phase === 'idle') ? '$(git-compare) Semantic Search: new index ready' : texts[phase];
    const errors = state.folders.filter((folder) => folder.error).map((folder) => `${folder.name}: ${folder.error!.message}`);
    if (state.modelError) errors.unshift(state.modelError.message);
    const lines = [
      `Semantic Search — ${phase}`,
      `Model: ${model}`,
      state.model?.cpuFallbackReason ? `CPU fallback: ${state.model.cpuFallbackReason}` : undefined,
      ...state.folders.map((folder) => `${folder.name}: ${folder.phase}`),
      ...state.folders.map(migrationLine),
      ...state.folders.map((folder) => (folder.stale ? `${folder.name}: ${folder.stale}` : undefined)),
      ...errors,
      'Click for details.',
    ].filter((line): line is string => line !== undefined);
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor = phase === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
