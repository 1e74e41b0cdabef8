import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { WorkspaceService, type FolderSpec, type ServiceState } from '../../../extension/core/service/workspace-service.ts';
import { offlineModel } from '../../helpers/models.ts';
import { writeCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { serviceSettings as settings } from './settings.ts';
import { MIGRATION_FILES } from '../migration/report-corpus.ts';

function recorder() {
  const states: ServiceState[] = [];
  const progress: string[] = [];
  const logs: string[] = [];
  const service = new WorkspaceService({
    onState: (state) => states.push(state),
    onProgress: (folder) => progress.push(folder),
    log: (_level, message) => logs.push(message),
  });
  return { service, states, progress, logs };
}

describe('workspace service with two folders (multi-root)', () => {
  const backend = writeCorpus({ 'server/users.go': 'package server\n\n// SortUsersByAge orders users from youngest to oldest.\nfunc SortUsersByAge(users []User) {\n\tsort.Slice(users, func(i, j int) bool { return users[i].Age < users[j].Age })\n}\n' });
  const frontend = writeCorpus({ 'web/circle.ts': '/** Draws a circle on the canvas. */\nexport function drawCircle(context: CanvasRenderingContext2D, radius: number) {\n  context.arc(0, 0, radius, 0, Math.PI * 2);\n}\n' });
  const folders: FolderSpec[] = [
    { key: 'file:///backend', name: 'backend', root: backend, databasePath: temporaryDatabasePath() },
    { key: 'file:///frontend', name: 'frontend', root: frontend, databasePath: temporaryDatabasePath() },
  ];
  const { service, states, progress } = recorder();
  after(() => service.dispose());

  test('configure loads nothing; index loads the model once and indexes both folders', async () => {
    await service.configure(settings(), folders);
    assert.equal(service.state().model, undefined, 'nothing loaded before it is needed');
    await service.index();
    const state = service.state();
    assert.equal(state.model?.id, 'glove-100d');
    assert.deepEqual(state.folders.map((folder) => folder.phase), ['ready', 'ready']);
    assert.ok(progress.includes('file:///backend') && progress.includes('file:///frontend'));
    assert.ok(states.some((snapshot) => snapshot.folders.some((folder) => folder.phase === 'indexing')));
  });

  test('one search ranks results of both folders together', async () => {
    const response = await service.search('sort users by age', {});
    assert.equal(response.hits[0]!.folder, 'file:///backend');
    const drawing = await service.search('draw a circle', {});
    assert.equal(drawing.hits[0]!.folder, 'file:///frontend');
    assert.ok(new Set(drawing.hits.map((hit) => hit.folder)).size === 2, 'both folders contribute candidates');
    assert.deepEqual(await service.languages(), ['go', 'typescript']);
  });

  test('find similar excludes the selection itself', async () => {
    const { hits } = await service.similar({ folder: 'file:///frontend', path: 'web/circle.ts', text: 'context.arc(0, 0, radius, 0, Math.PI * 2);', startLine: 3, endLine: 3, k: 5 });
    assert.ok(hits.every((hit) => !(hit.folder === 'file:///frontend' && hit.path === 'web/circle.ts')));
    const overlapping = hits.some((a, i) => hits.some((b, j) => i < j && a.folder === b.folder && a.path === b.path && a.startLine <= b.endLine && b.startLine <= a.endLine));
    assert.equal(overlapping, false, 'pieces of one chunk come back merged');
  });

  test('updates while paused wait for resume, which indexes them', async () => {
    service.pause();
    assert.ok(service.state().folders.every((folder) => folder.phase === 'paused'));
    writeFileSync(path.join(frontend, 'web/retry.ts'), '/** Retries a failed request with exponential backoff. */\nexport async function retryWithBackoff() {}\n');
    await service.update('file:///frontend', ['web/retry.ts']);
    assert.equal((await service.search('retryWithBackoff', { mode: 'lexical' })).hits.filter((hit) => hit.path === 'web/retry.ts').length, 0);
    await service.resume();
    assert.equal((await service.search('retryWithBackoff', { mode: 'lexical' })).hits[0]!.path, 'web/retry.ts');
  });

  test('clear deletes a folder index; rebuild makes it again', async () => {
    await service.clear(['file:///backend']);
    assert.equal(existsSync(folders[0]!.databasePath), false);
    assert.equal(service.state().folders[0]!.phase, 'idle');
    await service.rebuild(['file:///backend']);
    assert.equal(service.state().folders[0]!.phase, 'ready');
    assert.equal((await service.search('SortUsersByAge', { mode: 'lexical' })).hits[0]!.path, 'server/users.go');
  });
});

test('a model that cannot load is reported with its reason, and lexical search keeps working', async () => {
  const root = writeCorpus({ 'a.ts': 'export function parseHeader() {}\n' });
  const { service } = recorder();
  try {
    await service.configure(settings(), [{ key: 'k', name: 'a', root, databasePath: temporaryDatabasePath() }]);
    await service.index();
    await service.configure(settings({ modelDirectory: '/nonexistent/model' }), [{ key: 'k', name: 'a', root, databasePath: temporaryDatabasePath() }]);
    await service.index();
    const state = service.state();
    assert.equal(state.modelError?.kind, 'model');
    assert.equal(state.modelError?.reason, 'model-missing');
    assert.equal(state.folders[0]!.phase, 'error');
    assert.match(state.folders[0]!.error!.message, /does not exist/);
  } finally {
    await service.dispose();
  }
});

test('after a model change the old model keeps answering by meaning until the new index is cut over', async () => {
  const root = writeCorpus({ 'server/users.go': 'package server\n\n// SortUsersByAge orders users from youngest to oldest.\nfunc SortUsersByAge(users []User) {\n\tsort.Slice(users, func(i, j int) bool { return users[i].Age < users[j].Age })\n}\n' });
  const folders: FolderSpec[] = [{ key: 'k', name: 'a', root, databasePath: temporaryDatabasePath() }];
  const { service } = recorder();
  try {
    await service.configure(settings(), folders);
    await service.index();
    const before = await service.search('sort users by age', {});
    await service.configure(settings({ modelDirectory: offlineModel('use-lite'), quantization: 'int8' }), folders);
    const during = await service.search('sort users by age', {});
    assert.equal(during.denseUnavailable, undefined, 'the old model (kept) still embeds queries for the old space');
    assert.deepEqual(during.spaces.map((space) => space.id), before.spaces.map((space) => space.id));
    assert.equal(during.hits[0]!.path, 'server/users.go');
    await service.index();
    // One documented function is no evidence that the new model searches as well: the cutover waits.
    const waiting = service.state().folders[0]!.migration!;
    assert.equal(waiting.phase, 'awaiting-decision');
    assert.match(waiting.decisionReason!, /not enough evidence \(1 query; a verdict needs 30\).*waits for you/);
    assert.equal((await service.search('sort users by age', {})).spaces[0]!.id, before.spaces[0]!.id, 'the old index still answers');
    assert.deepEqual(await service.cutOver(), ['k']);
    const after = await service.search('sort users by age', {});
    assert.notEqual(after.spaces[0]!.id, before.spaces[0]!.id, 'cut over to the new space');
    assert.equal(after.denseUnavailable, undefined);
    assert.equal(service.state().model?.id, 'use-lite');
  } finally {
    await service.dispose();
  }
});

describe('a model change through the service: report, decision, cutover, rollback, thresholds', () => {
  const root = writeCorpus(MIGRATION_FILES);
  const folders: FolderSpec[] = [{ key: 'k', name: 'project', root, databasePath: temporaryDatabasePath() }];
  const { service, states } = recorder();
  after(() => service.dispose());
  const folderState = () => service.state().folders[0]!;

  test('a quality drop beyond the margin holds the cutover for the user, with the report saved', async () => {
    await service.configure(settings({ modelDirectory: offlineModel('use-lite'), quantization: 'int8' }), folders);
    await service.index();
    assert.equal(folderState().migration, undefined, 'a first index is no migration');
    await service.search('retry a request when the server is busy', {});
    // GloVe ranks the doc-comment queries worse than USE: with no margin at all that is a drop.
    await service.configure(settings({ modelDirectory: offlineModel('glove-100d'), migration: { autoCutover: true, qualityMargin: 0, retentionDays: 7 } }), folders);
    await service.index();
    const migration = folderState().migration!;
    assert.equal(migration.phase, 'awaiting-decision');
    assert.equal(migration.fromModel, 'use-lite');
    assert.equal(migration.toModel, 'glove-100d');
    assert.match(migration.decisionReason!, /MRR@10/);
    assert.ok(migration.hasReport);
    const searched = await service.search('retry a request when the server is busy', {});
    assert.equal(searched.spaces[0]!.modelId, 'use-lite', 'the old index still answers');
    const [saved] = await service.migrationReports();
    assert.equal(saved!.report.from?.modelId, 'use-lite');
    assert.equal(saved!.report.queries.recent, 1, 'the recent query is in the report');
    assert.ok(states.some((state) => state.folders[0]?.migration?.phase === 'building'), 'the build was visible as building');
  });

  test('cutover on request switches searches; rollback returns the old model for the settings', async () => {
    assert.deepEqual(await service.cutOver(), ['k']);
    assert.equal(folderState().migration?.phase, 'cut-over');
    assert.equal((await service.search('retry a request when the server is busy', {})).spaces[0]!.modelId, 'glove-100d');
    const started = performance.now();
    const [restored] = await service.rollBack();
    assert.ok(performance.now() - started < 1000, 'rollback takes under a second');
    assert.equal(restored!.modelId, 'use-lite');
    assert.equal(restored!.modelDirectory, offlineModel('use-lite'));
    assert.equal(restored!.quantization, 'int8');
    assert.equal((await service.search('retry a request when the server is busy', {})).spaces[0]!.modelId, 'use-lite');
    await assert.rejects(service.cutOver(), /no migration/);
  });

  test('find similar keeps only what the model calibrated as similar; duplicates use the calibrated threshold', async () => {
    await service.configure(settings({ modelDirectory: offlineModel('use-lite'), quantization: 'int8' }), folders);
    await service.index();
    const similarThreshold = (await service.threshold('k', 'similar'))!;
    const duplicateThreshold = (await service.threshold('k', 'duplicate'))!;
    assert.ok(similarThreshold > 0 && similarThreshold < duplicateThreshold && duplicateThreshold < 1, `${similarThreshold} < ${duplicateThreshold}`);
    const copied = MIGRATION_FILES['src/legacy/text-utils.ts']!;
    const { hits, belowThreshold, threshold } = await service.similar({ folder: 'k', path: 'src/legacy/text-utils.ts', text: copied, startLine: 1, endLine: copied.split('\n').length, k: 10 });
    assert.ok(hits.length > 0);
    assert.equal(threshold, similarThreshold, 'the threshold used is reported');
    assert.ok(hits.every((hit) => hit.scores.dense! >= similarThreshold), 'nothing below the calibrated threshold');
    assert.ok(belowThreshold.length > 0, 'what lies below the threshold is offered separately');
    assert.ok(belowThreshold.every((hit) => hit.scores.dense! < similarThreshold), 'below means below');
    assert.ok(belowThreshold.every((hit) => !hits.some((shown) => shown.path === hit.path && shown.startLine <= hit.endLine && hit.startLine <= shown.endLine)), 'never a piece of a result already shown');
    const [duplicates] = await service.duplicates();
    assert.equal(duplicates!.result!.threshold, duplicateThreshold);
    const exact = duplicates!.result!.groups.find((group) => group.kind === 'exact')!;
    assert.ok(exact.contents[0]!.locations.some((location) => location.path === 'src/legacy/text-utils.ts'));
  });
});
