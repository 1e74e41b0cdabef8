// The workspace service (what the editor's index worker runs) reads a folder's vectors into memory as soon as the
// folder's index is open, after a run and after a cutover, so the first search does not read them itself.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkspaceService, type FolderSpec } from '../../../extension/core/service/workspace-service.ts';
import { BASE_FILES, writeCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { serviceSettings as settings } from './settings.ts';

function recorder() {
  const logs: { level: string; message: string }[] = [];
  const service = new WorkspaceService({ onState: () => {}, onProgress: () => {}, log: (level, message) => logs.push({ level, message }) });
  return { service, logs };
}

const root = writeCorpus(BASE_FILES);
const folders: FolderSpec[] = [{ key: 'k', name: 'project', root, databasePath: temporaryDatabasePath() }];
const services: WorkspaceService[] = [];
after(async () => {
  for (const service of services) await service.dispose();
});

/** The folder's status once `ready` says so (the warm-up runs in the background), or after five seconds. */
async function statusWhen(service: WorkspaceService, ready: (status: NonNullable<ReturnType<WorkspaceService['details']>[number]['status']>) => boolean) {
  for (let waited = 0; ; waited += 10) {
    const status = service.details()[0]!.status!;
    if (ready(status) || waited > 5000) return status;
    await sleep(10);
  }
}

const activeVectors = (status: NonNullable<ReturnType<WorkspaceService['details']>[number]['status']>) => status.spaces.find((space) => space.id === status.activeSpace?.id)?.vectors;

test('after the first index run the vectors are held before any search, and the first search reads none', async () => {
  const { service, logs } = recorder();
  services.push(service);
  await service.configure(settings(), folders);
  await service.index();
  const status = await statusWhen(service, (current) => current.vectorsInMemory !== undefined);
  assert.equal(status.vectorsInMemory?.loadedBy, 'warm-up');
  assert.ok(activeVectors(status)! > 0);
  assert.equal(status.vectorsInMemory?.rows, activeVectors(status));
  assert.ok(logs.some((line) => line.level === 'info' && /vectors read into memory ahead of searches/.test(line.message)), 'said in the log');
  assert.ok((await service.search('read a JSON configuration file', {})).hits.length > 0);
  assert.equal(service.details()[0]!.status!.vectorsInMemory?.loadedBy, 'warm-up', 'the search did not read them again');
});

test('after a cutover the new active space is held', async () => {
  const service = services[0]!;
  const before = service.details()[0]!.status!.activeSpace!.id;
  // A storage change is a migration to a new space (converted, not embedded again).
  await service.configure(settings({ storage: { kind: 'float32', dimensions: 50 } }), folders);
  await service.index();
  if (service.state().folders[0]!.migration?.phase === 'awaiting-decision') await service.cutOver();
  const status = await statusWhen(service, (current) => current.activeSpace?.id !== before && current.vectorsInMemory !== undefined);
  assert.notEqual(status.activeSpace?.id, before, 'cut over');
  assert.equal(status.vectorsInMemory?.loadedBy, 'warm-up');
  assert.equal(status.vectorsInMemory?.rows, activeVectors(status));
  await service.configure(settings(), folders);
  await service.rollBack();
});

test('a folder whose index opens again (a new window) is warmed when it opens; dispose ends cleanly', async () => {
  await services[0]!.dispose();
  const { service, logs } = recorder();
  services.push(service);
  await service.configure(settings(), folders);
  assert.equal(service.details()[0]!.status, undefined, 'not open yet');
  // The first request that needs the index opens it; the warm-up starts as it opens, ahead of the search.
  assert.ok((await service.search('area of a circle', {})).hits.length > 0);
  const status = service.details()[0]!.status!;
  assert.equal(status.vectorsInMemory?.loadedBy, 'warm-up');
  await service.dispose();
  assert.deepEqual(logs.filter((line) => line.level === 'warn'), []);
});

test('a folder without an index yet: nothing to warm, no error', async () => {
  const empty = writeCorpus({});
  const { service, logs } = recorder();
  services.push(service);
  await service.configure(settings(), [{ key: 'e', name: 'empty', root: empty, databasePath: temporaryDatabasePath() }]);
  assert.deepEqual((await service.search('anything', {})).hits, []);
  assert.equal(service.details()[0]!.status!.vectorsInMemory, undefined);
  await service.index();
  await service.dispose();
  assert.deepEqual(logs.filter((line) => line.level === 'warn'), []);
});
