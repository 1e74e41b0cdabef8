import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { FolderMigration, FolderState } from '../../../extension/core/service/workspace-service.ts';
import type { MigrationReport } from '../../../extension/core/migration/report.ts';
import { repositoryDirectory } from '../../../extension/core/model/download.ts';
import { migrationNotices, migrationView, modelSettingFor } from '../../../extension/host/migration-presenter.ts';
import { migrationLine } from '../../../extension/host/status-text.ts';

function folder(key: string, migration: Partial<FolderMigration> | undefined, extra: Partial<FolderState> = {}): FolderState {
  return {
    key,
    name: key,
    phase: 'ready',
    progress: undefined,
    error: undefined,
    lastRun: undefined,
    stale: undefined,
    recovered: undefined,
    migration: migration && { id: 1, phase: 'building', fromModel: 'use-lite', toModel: 'glove-100d', missing: 40, decisionReason: undefined, canRollBack: false, updatedAt: 0, hasReport: false, ...migration },
    ...extra,
  };
}

describe('migration view', () => {
  test('no migration: nothing to cut over or roll back', () => {
    const view = migrationView([folder('a', undefined)], new Map());
    assert.equal(view.phase, 'none');
    assert.equal(view.canCutOver, false);
    assert.equal(view.canRollBack, false);
  });

  test('building shows progress and allows abandoning; awaiting a decision allows both; cut over allows rollback while retained', () => {
    const progress = { phase: 'indexing', filesScanned: 10, filesToIndex: 10, filesIndexed: 4, chunksToEmbed: 100, chunksEmbedded: 30, chunksExpected: 160, fraction: 0.21 } as unknown as FolderState['progress'];
    const building = migrationView([folder('a', {}, { phase: 'indexing', progress })], new Map());
    assert.equal(building.phase, 'building');
    assert.match(building.detail, /new index \(21%\): 4 of 10 files, 30 of ~160 chunks.*old index meanwhile/);
    assert.deepEqual([building.canCutOver, building.canRollBack], [false, true]);

    const awaiting = migrationView([folder('a', { phase: 'awaiting-decision', missing: 0, decisionReason: 'its MRR@10 fell' })], new Map());
    assert.deepEqual([awaiting.canCutOver, awaiting.canRollBack, awaiting.decisionReason], [true, true, 'its MRR@10 fell']);

    const now = Date.now();
    const cut = migrationView([folder('a', { phase: 'cut-over', canRollBack: true, updatedAt: now - 3 * 60_000 })], new Map([['a', { version: 1 } as MigrationReport]]), now);
    assert.match(cut.detail, /cut over 3 minutes ago/);
    assert.deepEqual([cut.canCutOver, cut.canRollBack], [false, true]);
    assert.deepEqual(cut.report, { version: 1 });
  });

  test('in a multi-root workspace the folder is named, and the first folder with a migration is shown', () => {
    const view = migrationView([folder('plain', undefined), folder('api', { phase: 'awaiting-decision' })], new Map());
    assert.match(view.detail, /^api: /);
  });
});

describe('migration notices', () => {
  test('waiting for a decision is announced once per migration', () => {
    const before = [folder('a', {})];
    const after = [folder('a', { phase: 'awaiting-decision', decisionReason: 'quality dropped' })];
    assert.deepEqual(migrationNotices(before, after), [{ kind: 'awaiting-decision', folder: 'a', toModel: 'glove-100d', reason: 'quality dropped' }]);
    assert.deepEqual(migrationNotices(after, after), []);
  });

  test('a cutover of the migration that was being built is announced; an old cutover seen at start-up is not', () => {
    const cut = [folder('a', { phase: 'cut-over', canRollBack: true })];
    assert.deepEqual(migrationNotices([folder('a', {})], cut), [{ kind: 'cut-over', folder: 'a', fromModel: 'use-lite', toModel: 'glove-100d' }]);
    assert.deepEqual(migrationNotices(undefined, cut), []);
    assert.deepEqual(migrationNotices([folder('a', undefined)], cut), []);
  });

  test('a stale model is announced when it is first seen', () => {
    const stale = [folder('a', undefined, { stale: 'other vectors' })];
    assert.deepEqual(migrationNotices([folder('a', undefined)], stale), [{ kind: 'stale', folder: 'a', message: 'other vectors' }]);
    assert.deepEqual(migrationNotices(stale, stale), []);
  });

  test('a damaged index that was moved aside and rebuilt is announced once', () => {
    const recovered = [folder('a', undefined, { recovered: 'The index database /x/index.db was damaged; it was kept as /x/index.db.corrupt-1.' })];
    assert.deepEqual(migrationNotices([folder('a', undefined)], recovered), [{ kind: 'recovered', folder: 'a', message: recovered[0]!.recovered! }]);
    assert.deepEqual(migrationNotices(undefined, recovered), [{ kind: 'recovered', folder: 'a', message: recovered[0]!.recovered! }], 'also when it happens at start-up');
    assert.deepEqual(migrationNotices(recovered, recovered), []);
  });

  test('the status tooltip line names both models and what to do', () => {
    assert.match(migrationLine(folder('a', {}))!, /building the glove-100d index \(use-lite → glove-100d\)/);
    assert.match(migrationLine(folder('a', { phase: 'awaiting-decision' }))!, /waits for you/);
    assert.equal(migrationLine(folder('a', undefined)), undefined);
  });
});

describe('model settings for a rollback', () => {
  const extensionPath = path.resolve('/opt/extension');
  const storage = path.resolve('/home/me/storage');
  test('a bundled model, a downloaded catalog model, or a custom folder', () => {
    assert.deepEqual(modelSettingFor(path.join(extensionPath, 'models', 'glove-100d'), 'fp32', extensionPath, storage), { name: 'glove-100d', path: undefined, quantization: 'fp32' });
    const download = path.join(repositoryDirectory(storage, 'BAAI/bge-small-en-v1.5'), 'abc123');
    assert.deepEqual(modelSettingFor(download, 'int8', extensionPath, storage), { name: 'bge-small', path: undefined, quantization: 'int8' });
    assert.deepEqual(modelSettingFor('/data/models/my-model', undefined, extensionPath, storage), { name: 'custom', path: path.resolve('/data/models/my-model'), quantization: undefined });
    assert.equal(modelSettingFor(path.join(extensionPath, 'models', 'unknown'), 'fp32', extensionPath, storage).name, 'custom');
  });
});
