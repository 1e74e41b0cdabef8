// The workspace service answers the panel's Callers / Callees (by a result's chunks, or by its range when they
// are gone) and applies the expandCalls search setting.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { WorkspaceService, type ServiceSettings } from '../../../extension/core/service/workspace-service.ts';
import { offlineModel } from '../../helpers/models.ts';
import { writeCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';

const FILES = {
  'src/http/server.ts': "import { parseHeaders } from './headers.ts';\n\n/** Handles an incoming request. */\nexport function handleRequest(raw: string): number {\n  const headers = parseHeaders(raw);\n  return headers.size;\n}\n",
  'src/http/headers.ts': '/** Splits raw bytes into header fields. */\nexport function parseHeaders(raw: string): Map<string, string> {\n  const fields = new Map<string, string>();\n  fields.set(raw, raw);\n  return fields;\n}\n',
  'src/routes.ts': '/** Picks the route of a path. */\nexport function pickRoute(path: string): string {\n  const handler = path.toLowerCase();\n  return handler;\n}\n',
};

function settings(expandCalls: boolean): ServiceSettings {
  return {
    modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1,
    discovery: { include: [], exclude: [] }, chunking: {},
    search: { k: 2, mode: 'hybrid', weights: { dense: 1, lexical: 1 }, expandCalls },
  };
}

const service = new WorkspaceService({ onState: () => undefined, onProgress: () => undefined, log: () => undefined });
after(() => service.dispose());

test('relations of a result by its chunks or its range; expandCalls follows the setting', async () => {
  const folder = { key: 'file:///web', name: 'web', root: writeCorpus(FILES), databasePath: temporaryDatabasePath() };
  await service.configure(settings(false), [folder]);
  await service.index();
  const plain = await service.search('handleRequest incoming request', {});
  const hit = plain.hits[0]!;
  assert.equal(hit.symbol, 'handleRequest');
  assert.ok(plain.hits.every((entry) => entry.via === undefined && entry.symbol !== 'parseHeaders'));

  const byChunks = await service.relations({ folder: folder.key, path: hit.path, startLine: hit.startLine, endLine: hit.endLine, chunkIds: hit.chunkIds });
  assert.deepEqual(byChunks.callees.map((entry) => `${entry.symbol} ${entry.path}`), ['parseHeaders src/http/headers.ts']);
  // Stale ids (a re-index replaced the chunks): the chunks in the result's range answer instead.
  const byRange = await service.relations({ folder: folder.key, path: hit.path, startLine: hit.startLine, endLine: hit.endLine, chunkIds: [987_654] });
  assert.deepEqual(byRange, byChunks);
  assert.deepEqual(await service.relations({ folder: 'file:///elsewhere', path: hit.path, startLine: 1, endLine: 2, chunkIds: [] }), { callers: [], callees: [], truncated: false });

  await service.configure(settings(true), [folder]);
  const expanded = await service.search('handleRequest incoming request', {});
  assert.deepEqual(expanded.hits.map((entry) => [entry.symbol, entry.via?.name]), [['handleRequest', undefined], ['parseHeaders', 'parseHeaders']]);
});
