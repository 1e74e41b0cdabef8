import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { WorkspaceService, type FolderSpec, type ServiceSettings, type ServiceState } from '../../../extension/core/service/workspace-service.ts';
import { offlineModel } from '../../helpers/models.ts';
import { writeCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';

function settings(overrides: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    modelDirectory: offlineModel('glove-100d'),
    quantization: 'fp32',
    device: 'cpu',
    threads: 1,
    discovery: { include: [], exclude: [] },
    chunking: {},
    search: { k: 10, mode: 'hybrid', weights: { dense: 1, lexical: 1 } },
    ...overrides,
  };
}

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
    const hits = await service.similar({ folder: 'file:///frontend', path: 'web/circle.ts', text: 'context.arc(0, 0, radius, 0, Math.PI * 2);', startLine: 3, endLine: 3, k: 5 });
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
    const after = await service.search('sort users by age', {});
    assert.notEqual(after.spaces[0]!.id, before.spaces[0]!.id, 'cut over to the new space');
    assert.equal(after.denseUnavailable, undefined);
    assert.equal(service.state().model?.id, 'use-lite');
  } finally {
    await service.dispose();
  }
});
