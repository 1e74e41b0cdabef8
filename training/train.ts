// `npm run train`: trains the code-static model from the corpus (.cache/corpus/pairs.jsonl, made by
// `npm run corpus`) and writes the release (training/release/code-static/): vocabulary, int8 rows with
// per-row scales, and model.json with the configuration, corpus figures and validation curve. The same
// corpus and configuration give the same bytes.
//
//   npm run train [-- --corpus FILE] [--out DIR] [--epochs N] [--batch N] [--seed N] [--workers N] [--words N] [--dimensions 256]
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { groupItems, inverseDocumentFrequencies, isValidationPackage, tokenizeItems, type CorpusPair, type Item } from '../extension/core/training/dataset.ts';
import { quantizeRows, writeRelease } from '../extension/core/training/release.ts';
import { DEFAULT_TRAINING_CONFIG, train, type TrainingConfig } from '../extension/core/training/trainer.ts';
import { DEFAULT_VOCABULARY_OPTIONS, WordCounter, buildVocabulary } from '../extension/core/training/vocabulary-builder.ts';
import { sha256File } from './sources/cache.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: options } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.join(ROOT, '.cache', 'corpus', 'pairs.jsonl') },
    out: { type: 'string', default: path.join(ROOT, 'training', 'release', 'code-static') },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    words: { type: 'string' },
    dimensions: { type: 'string' },
    'max-items': { type: 'string' },
    'validation-share': { type: 'string', default: '0.05' },
    'window': { type: 'string', default: '512' },
    dropout: { type: 'string' },
  },
});
const started = performance.now();
const log = (line: string) => process.stderr.write(`${line}\n`);
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
if (!existsSync(options.corpus)) throw new Error(`${options.corpus} not found: run \`npm run corpus\` first`);

const dimensions = Number(options.dimensions ?? DEFAULT_TRAINING_CONFIG.dimensions);
const config: TrainingConfig = {
  ...DEFAULT_TRAINING_CONFIG,
  dimensions,
  levels: DEFAULT_TRAINING_CONFIG.levels.filter((level) => level < dimensions).concat(dimensions),
  ...(options.epochs ? { maxEpochs: Number(options.epochs) } : {}),
  ...(options.batch ? { batchSize: Number(options.batch) } : {}),
  ...(options.seed ? { seed: Number(options.seed) } : {}),
  ...(options.workers ? { workers: Number(options.workers) } : {}),
  ...(options.dropout ? { documentDropout: Number(options.dropout) } : {}),
};
config.levelWeights = config.levels.map(() => 1);

async function readPairs(file: string): Promise<CorpusPair[]> {
  const pairs: CorpusPair[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line.trim() !== '') pairs.push(JSON.parse(line) as CorpusPair);
  return pairs;
}

const figuresPath = path.join(ROOT, 'training', 'corpus-figures.json');
const corpusFigures = existsSync(figuresPath) ? (JSON.parse(readFileSync(figuresPath, 'utf8')) as { pairs?: number; pairsSha256?: string }) : {};
const corpusSha256 = sha256File(options.corpus);
if (corpusFigures.pairsSha256 !== undefined && corpusFigures.pairsSha256 !== corpusSha256) {
  log(`warning: ${options.corpus} is not the corpus training/corpus-figures.json describes (SHA-256 ${corpusSha256.slice(0, 12)}…, expected ${corpusFigures.pairsSha256.slice(0, 12)}…): run \`npm run corpus\` again`);
}
const items = groupItems(await readPairs(options.corpus));
const limited = options['max-items'] ? items.slice(0, Number(options['max-items'])) : items;
const share = Number(options['validation-share']);
const trainItems: Item[] = [];
const validationItems: Item[] = [];
for (const item of limited) (isValidationPackage(item.package, share) ? validationItems : trainItems).push(item);
log(`${limited.length} items: ${trainItems.length} for training, ${validationItems.length} held out (${new Set(validationItems.map((item) => item.package)).size} packages) (${elapsed()})`);

const counter = new WordCounter();
for (const item of trainItems) {
  counter.add(item.document);
  for (const query of item.queries) counter.add(query.text);
}
const vocabularyOptions = { ...DEFAULT_VOCABULARY_OPTIONS, ...(options.words ? { words: Number(options.words) } : {}) };
const vocabulary = buildVocabulary(counter.counts, vocabularyOptions);
log(`vocabulary: ${vocabulary.size} tokens from ${counter.counts.size} distinct words (${elapsed()})`);
const trainData = tokenizeItems(trainItems, vocabulary, config.maxDocumentTokens, config.maxQueryTokens);
const validationData = tokenizeItems(validationItems, vocabulary, config.maxDocumentTokens, config.maxQueryTokens);
const idf = inverseDocumentFrequencies(trainData, vocabulary.size);
log(`tokenized: ${trainData.documentIds.length + trainData.queryIds.length} training tokens (${elapsed()})`);

const percent = (value: number) => (value * 100).toFixed(1);
const trainingStarted = performance.now();
let lastDraw = 0;
const model = await train({ train: trainData, validation: validationData, vocabularySize: vocabulary.size, initialWeights: idf }, config, {
  onProgress: ({ epoch, step, stepsPerEpoch, loss }) => {
    const now = performance.now();
    if (now - lastDraw < 500 && step !== stepsPerEpoch) return;
    lastDraw = now;
    const width = 30;
    const filled = Math.round((step / stepsPerEpoch) * width);
    process.stderr.write(`\repoch ${epoch}/${config.maxEpochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${step}/${stepsPerEpoch} loss ${loss.toFixed(3)} ${elapsed()}   `);
  },
  onEpoch: (report) => {
    const { validation } = report;
    const figures = config.levels.map((level, index) => `${level}d R@1 ${percent(validation.recallAt1[index]!)} MRR ${percent(validation.mrr[index]!)}`).join(' | ');
    process.stderr.write(`\nepoch ${report.epoch}: loss ${report.loss.toFixed(3)}, ${report.seconds.toFixed(0)} s; validation (${validation.size}-way) ${figures}\n`);
  },
});
const trainingSeconds = (performance.now() - trainingStarted) / 1000;
log(`best epoch ${model.bestEpoch}; training ${trainingSeconds.toFixed(0)} s (${elapsed()} in all)`);

const { values, scales } = quantizeRows(model.table, vocabulary.size, dimensions);
const metadata = writeRelease(options.out, {
  vocabulary,
  values,
  scales,
  metadata: {
    name: 'code-static',
    dimensions,
    levels: config.levels,
    maxTokens: Number(options.window),
    training: {
      corpus: `${corpusFigures.pairs ?? '?'} pairs from the packages of training/corpus-manifest.json`,
      corpusSha256,
      items: { train: trainData.count, validation: validationData.count },
      config,
      vocabulary: vocabularyOptions,
      initialValidation: model.initialValidation,
      history: model.history,
      bestEpoch: model.bestEpoch,
      trainingSeconds: Math.round(trainingSeconds),
    },
  },
});
log(`wrote ${path.relative(process.cwd(), options.out)} (${metadata.vocabularySize} tokens × ${dimensions}; embeddings ${metadata.files['embeddings.int8'].slice(0, 12)}…)`);
