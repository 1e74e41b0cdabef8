import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadManifest, parseManifest } from '../../../extension/core/model/manifest.ts';
import { knownModelDefaults } from '../../../extension/core/model/known-models.ts';
import { buildSyntheticModel } from '../embedding/synthetic-models.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

const valid = {
  schemaVersion: 1, id: 'm', displayName: 'M', dimensions: 384, pooling: 'mean', normalize: true, maxTokens: 256,
  queryPrefix: '', documentPrefix: '', output: 'last_hidden_state', matryoshka: false,
};

test('a valid manifest parses; each invalid field is named in the error', () => {
  assert.equal(parseManifest(valid, 'test').dimensions, 384);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ dimensions: 0 }, /"dimensions"/],
    [{ pooling: 'max' }, /"pooling"/],
    [{ maxTokens: 1.5 }, /"maxTokens"/],
    [{ output: '' }, /"output"/],
    [{ schemaVersion: 2 }, /"schemaVersion"/],
    [{ matryoshka: 'yes' }, /"matryoshka"/],
    [{ matryoshkaDimensions: [1024] }, /"matryoshkaDimensions"/],
    [{ queryPrefix: 3 }, /"queryPrefix"/],
  ];
  for (const [change, pattern] of cases) {
    assert.throws(() => parseManifest({ ...valid, ...change }, 'test'), (error: unknown) => isCoreError(error, 'model') && error.reason === 'manifest-invalid' && pattern.test(error.message));
  }
  assert.throws(() => parseManifest([], 'test'), /JSON object/);
});

test('a Hugging Face folder without a manifest gets one from its sentence-transformers files', () => {
  const directory = buildSyntheticModel({
    name: 'some-unknown-model',
    poolingFile: 'cls',
    prompts: { query: 'Q: ', document: 'D: ' },
    maxPositionEmbeddings: 1024,
    extraFiles: { 'sentence_bert_config.json': JSON.stringify({ max_seq_length: 200 }) },
  });
  const { manifest, origin } = loadManifest(directory);
  assert.equal(origin, 'inferred');
  assert.equal(manifest.pooling, 'cls');
  assert.equal(manifest.dimensions, 16);
  assert.equal(manifest.maxTokens, 200, 'the smallest stated limit wins');
  assert.equal(manifest.queryPrefix, 'Q: ');
  assert.equal(manifest.documentPrefix, 'D: ');
  assert.equal(manifest.matryoshka, false);
});

test('known models fill what their files do not say, also under a re-exporting owner', () => {
  assert.equal(knownModelDefaults('Xenova/bge-small-en-v1.5')?.pooling, 'cls');
  assert.equal(knownModelDefaults('nomic-ai/CodeRankEmbed')?.queryPrefix, 'Represent this query for searching relevant code: ');
  assert.equal(knownModelDefaults('jinaai/jina-embeddings-v2-base-code')?.maxTokens, 8192);
  assert.equal(knownModelDefaults('someone/unknown'), undefined);
  const directory = buildSyntheticModel({ name: 'model' });
  assert.equal(loadManifest(directory, 'intfloat/multilingual-e5-small').manifest.queryPrefix, 'query: ');
});
