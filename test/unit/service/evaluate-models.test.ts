import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { WorkspaceService } from '../../../extension/core/service/workspace-service.ts';
import { MODELS_DIRECTORY } from '../../helpers/models.ts';
import { writeCorpus } from '../indexing/corpus.ts';
import { MIGRATION_FILES } from '../migration/report-corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { serviceSettings } from './settings.ts';

const service = new WorkspaceService({ onState: () => undefined, onProgress: () => undefined, log: () => undefined });
after(() => service.dispose());

test('the service evaluates the installed models on a folder, lending the indexer its own model and leaving it running', async () => {
  await service.configure(
    serviceSettings(),
    [{ key: 'file:///project', name: 'project', root: writeCorpus(MIGRATION_FILES), databasePath: temporaryDatabasePath() }],
  );
  await service.index();
  const messages: string[] = [];
  const { folder, name, report } = await service.evaluateModels({
    locations: { bundledModelsDirectory: MODELS_DIRECTORY, quantization: 'fp32' },
    queries: 10,
    distractors: 20,
    onProgress: (progress) => messages.push(`${progress.phase} ${progress.model ?? ''}`.trim()),
  });
  assert.deepEqual([folder, name], ['file:///project', 'project']);
  assert.deepEqual(report.models.map((model) => [model.name, model.quantization, model.current]), [['code-static', 'fp32', false], ['use-lite', 'fp32', false], ['glove-100d', 'fp32', true]]);
  assert.ok(report.rows.length === 13 && report.failures.length === 0, 'three storage options per model, and code-static\'s four Matryoshka prefixes');
  assert.deepEqual([...new Set(messages)], ['sampling', 'loading code-static', 'embedding code-static', 'scoring code-static', 'loading use-lite', 'embedding use-lite', 'scoring use-lite', 'loading glove-100d', 'embedding glove-100d', 'scoring glove-100d', 'done']);
  const after = await service.search('hash a password with a salt', { mode: 'dense' });
  assert.ok(after.hits.length > 0, 'the indexer\'s model still answers searches');
});
