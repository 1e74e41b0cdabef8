import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { groupItems, inverseDocumentFrequencies, tokenizeItems, type CorpusPair, type TokenizedItems } from '../../../extension/core/training/dataset.ts';
import { quantizeRows } from '../../../extension/core/training/release.ts';
import { DEFAULT_TRAINING_CONFIG, epochOrder, train, type TrainingConfig } from '../../../extension/core/training/trainer.ts';
import { seededRandom } from '../../../extension/core/random.ts';
import { WordCounter, buildVocabulary } from '../../../extension/core/training/vocabulary-builder.ts';

const TOPICS = [
  ['read', 'file', 'path', 'open', 'text', 'lines'],
  ['parse', 'http', 'header', 'cookie', 'request', 'value'],
  ['sort', 'list', 'users', 'age', 'compare', 'order'],
  ['connect', 'database', 'query', 'rows', 'cursor', 'close'],
  ['render', 'template', 'html', 'escape', 'context', 'page'],
  ['retry', 'failed', 'request', 'backoff', 'delay', 'attempt'],
  ['hash', 'password', 'salt', 'verify', 'digest', 'bytes'],
  ['resize', 'image', 'width', 'height', 'pixels', 'scale'],
];

/** A small fixed corpus: each document uses its topic's words, its query a few of them. */
function fixedCorpus(count: number): CorpusPair[] {
  const random = seededRandom(42);
  const pick = (words: readonly string[]) => words[Math.floor(random() * words.length)]!;
  const pairs: CorpusPair[] = [];
  for (let index = 0; index < count; index++) {
    const topic = TOPICS[index % TOPICS.length]!;
    const filler = TOPICS[Math.floor(random() * TOPICS.length)]!;
    const body = Array.from({ length: 12 }, () => (random() < 0.6 ? pick(topic) : pick(filler))).join('_');
    pairs.push({
      package: `npm:package-${index % 5}`,
      family: 'npm',
      kind: 'doc',
      language: 'python',
      path: `src/module${index}.py`,
      query: `${pick(topic)} ${pick(topic)} the ${pick(topic)}`,
      document: `path: src/module${index}.py\n\ndef function_${index}():\n    return ${body}\n`,
    });
  }
  return pairs;
}

function prepare(count: number): { train: TokenizedItems; validation: TokenizedItems; vocabularySize: number; initialWeights: Float32Array } {
  const items = groupItems(fixedCorpus(count));
  const counter = new WordCounter();
  for (const item of items) counter.add(`${item.document} ${item.queries.map((query) => query.text).join(' ')}`);
  const vocabulary = buildVocabulary(counter.counts, { words: 500, continuations: 50, minimumCount: 1, minimumCharacterCount: 1 });
  const train = tokenizeItems(items.slice(0, count - 64), vocabulary, 64, 16);
  const validation = tokenizeItems(items.slice(count - 64), vocabulary, 64, 16);
  return { train, validation, vocabularySize: vocabulary.size, initialWeights: inverseDocumentFrequencies(train, vocabulary.size) };
}

const SMALL: TrainingConfig = {
  ...DEFAULT_TRAINING_CONFIG,
  dimensions: 32,
  levels: [8, 16, 32],
  levelWeights: [1, 1, 1],
  batchSize: 32,
  groupSize: 4,
  maxEpochs: 3,
  patience: 3,
  learningRate: 0.05,
  maxDocumentTokens: 64,
  maxQueryTokens: 16,
  workers: 2,
  validationSize: 64,
};

const digest = (table: Float32Array) => createHash('sha256').update(new Uint8Array(table.buffer, table.byteOffset, table.byteLength)).digest('hex');

test('training twice on the same corpus with the same seed gives identical bytes, with two worker threads', async () => {
  const input = prepare(640);
  const first = await train(input, SMALL);
  const second = await train(input, SMALL);
  assert.equal(digest(first.table), digest(second.table));
  assert.deepEqual(first.history.map((epoch) => epoch.loss), second.history.map((epoch) => epoch.loss));
  const other = await train(input, { ...SMALL, seed: 2 });
  assert.notEqual(digest(other.table), digest(first.table), 'another seed gives another model');
});

test('training learns: held-out MRR rises above the untrained table at every Matryoshka prefix, and the loss falls', async () => {
  const input = prepare(640);
  const model = await train(input, SMALL);
  const last = model.history.at(-1)!;
  assert.ok(model.history[0]!.loss > last.loss, `loss ${model.history.map((epoch) => epoch.loss.toFixed(3)).join(' → ')}`);
  SMALL.levels.forEach((level, index) => {
    const best = model.history[model.bestEpoch - 1]!.validation.mrr[index]!;
    assert.ok(best > model.initialValidation.mrr[index]! + 0.05, `${level}d: MRR ${model.initialValidation.mrr[index]} → ${best}`);
  });
  const { values, scales } = quantizeRows(model.table, input.vocabularySize, SMALL.dimensions);
  assert.equal(values.length, input.vocabularySize * SMALL.dimensions);
  assert.equal(scales[0], 0, '[PAD] stays a zero row');
});

test('an epoch places items of one package in blocks and keeps whole batches only', () => {
  const { train: data } = prepare(640);
  const order = epochOrder(data, { groupSize: 4, batchSize: 32, sectionRepeat: 1 }, seededRandom(1));
  assert.equal(order.length % 32, 0);
  assert.equal(new Set(order).size, order.length, 'no item twice in an epoch');
  let samePackageNeighbours = 0;
  for (let index = 1; index < order.length; index++) if (data.itemPackages[order[index]!] === data.itemPackages[order[index - 1]!]) samePackageNeighbours++;
  assert.ok(samePackageNeighbours > order.length / 2, `${samePackageNeighbours} of ${order.length} neighbours share a package`);
});
