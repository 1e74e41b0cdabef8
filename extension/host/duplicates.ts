// Find Duplicates: exact and near-duplicate code across the workspace, at each index's calibrated
// `duplicate` threshold, listed in a QuickPick grouped by duplicate set; picking a place opens it.
import * as vscode from 'vscode';
import type { DuplicateGroup } from '../core/migration/find-duplicates.ts';
import type { Controller } from './controller.ts';

interface PlaceItem extends vscode.QuickPickItem {
  folder?: string;
  path?: string;
  startLine?: number;
  endLine?: number;
}

/** One separator per group and one item per place, biggest groups first. */
export function duplicateItems(results: readonly { folder: string; name: string; groups: readonly DuplicateGroup[] }[], multiRoot: boolean): PlaceItem[] {
  const items: PlaceItem[] = [];
  for (const { folder, name, groups } of results) {
    const ordered = [...groups].sort((a, b) => placeCount(b) - placeCount(a) || b.similarity - a.similarity);
    for (const group of ordered) {
      const symbol = group.contents.flatMap((content) => content.locations).find((location) => location.symbol)?.symbol;
      const label = group.kind === 'exact' ? `exact copies · ${placeCount(group)} places` : `near-duplicates · similarity ${group.similarity.toFixed(3)}`;
      items.push({ label: `${symbol ? `${symbol} — ` : ''}${label}${multiRoot ? ` · ${name}` : ''}`, kind: vscode.QuickPickItemKind.Separator });
      for (const content of group.contents) {
        for (const location of content.locations) {
          items.push({
            label: `$(file-code) ${location.path}`,
            description: `lines ${location.startLine}–${location.endLine}${location.symbol ? ` · ${location.symbol}` : ''}`,
            folder,
            path: location.path,
            startLine: location.startLine,
            endLine: location.endLine,
          });
        }
      }
    }
  }
  return items;
}

function placeCount(group: DuplicateGroup): number {
  return group.contents.reduce((sum, content) => sum + content.locations.length, 0);
}

export async function findDuplicates(controller: Controller): Promise<void> {
  if (controller.folders.length === 0) {
    void vscode.window.showInformationMessage('Find Duplicates needs an open folder.');
    return;
  }
  await controller.ensureConfigured();
  const results = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Semantic Search: looking for duplicated code', cancellable: true },
    (_progress, token) => controller.client.request('duplicates', {}, token),
  );
  const problems = results.filter((entry) => entry.problem).map((entry) => `${entry.name}: ${entry.problem}`);
  const found = results.flatMap((entry) => (entry.result ? [{ folder: entry.folder, name: entry.name, groups: entry.result.groups, threshold: entry.result.threshold }] : []));
  const items = duplicateItems(found, controller.folders.length > 1);
  if (items.length === 0) {
    void vscode.window.showInformationMessage(problems.length > 0 ? `Semantic Search: no duplicates found (${problems.join('; ')}).` : 'Semantic Search: no duplicated code found in the index.');
    return;
  }
  const thresholds = found.map((entry) => entry.threshold.toFixed(3)).join(', ');
  const picked = await vscode.window.showQuickPick(items, {
    title: `Duplicated code (${found.reduce((sum, entry) => sum + entry.groups.length, 0)} groups; near-duplicates at the model's calibrated similarity ${thresholds})`,
    placeHolder: 'Pick a place to open it',
    matchOnDescription: true,
  });
  if (picked?.folder && picked.path && picked.startLine && picked.endLine) {
    await controller.openResult({ folder: picked.folder, path: picked.path, startLine: picked.startLine, endLine: picked.endLine }, false);
  }
}
