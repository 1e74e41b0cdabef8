// The commands that measure an index rather than change it: `tradeoffs` (the storage options) and
// `evaluate` (the installed models, judged on the index's own documented code).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DeviceSetting } from '../core/embedding/providers.ts';
import type { Quantization } from '../core/model/fingerprint.ts';
import { IndexStore } from '../core/store/index-store.ts';
import { EmbeddingRuntime } from '../core/embedding/runtime.ts';
import { compareStorage, evaluationCandidates } from '../core/operations/reports.ts';
import { catalogEntry } from '../core/model/catalog.ts';
import { installedModels } from '../core/evaluation/installed-models.ts';
import { DEFAULT_EVALUATION_DISTRACTORS, DEFAULT_EVALUATION_QUERIES, DEFAULT_EVALUATION_SEED, evaluateModels, type InstalledModel, type ModelEvaluationReport } from '../core/evaluation/model-evaluation.ts';
import { DEFAULT_QUANTIZATION } from '../core/model/model-location.ts';
import { choice, integerOption, parse, UsageError } from './arguments.ts';
import { interruptible } from './interrupt.ts';
import { cliStorageDirectory, locateIndex, OFFLINE_MODELS_DIRECTORY, openFolderIndex } from './open-index.ts';

/** Measures every storage option on the index (converted from its float32 vectors) and prints the table. */
export async function commandTradeoffs(argv: string[]): Promise<void> {
  const { values } = parse(argv);
  const { root, databasePath } = locateIndex(values);
  const index = await openFolderIndex(values, root, databasePath);
  try {
    const interactive = process.stderr.isTTY && !values.json;
    const report = await compareStorage({
      store: index.store,
      embedder: index.runtime,
      signal: interruptible(),
      onProgress: (done, total, label) => {
        if (interactive) process.stderr.write(`\rmeasuring ${done}/${total}: ${label}`.padEnd(70));
      },
    });
    if (interactive) process.stderr.write('\n');
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const rows = report.options.map((option, position) => [
      `${position === report.recommended ? '* ' : option.current ? '> ' : '  '}${option.label}`,
      option.bytesPerVector.toFixed(0),
      (option.totalBytes / 1_048_576).toFixed(2),
      option.latency.p50.toFixed(2),
      option.latency.p95.toFixed(2),
      option.recallAt10VsExact.toFixed(3),
      option.quality ? option.quality.recallAt10.toFixed(3) : '-',
      option.quality ? option.quality.mrrAt10.toFixed(3) : '-',
    ]);
    const header = ['vectors stored as (> current, * recommended)', 'B/vector', 'MiB', 'p50 ms', 'p95 ms', 'R@10 exact', 'R@10', 'MRR@10'];
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
    const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
    const warnings = report.options.flatMap((option) => (option.warning ? [`  ${option.label}: ${option.warning}`] : []));
    process.stdout.write(
      [
        `${report.model.id}, ${report.vectors} vectors; ${report.queries.latencyAndRecall} queries (${report.queries.selfSupervised} from doc comments)`,
        line(header),
        ...rows.map(line),
        `recommendation: ${report.recommendation}`,
        ...(warnings.length > 0 ? ['warnings:', ...warnings] : []),
      ].join('\n') + '\n',
    );
  } finally {
    await index.close();
  }
}

/**
 * The models `--models` names, among the installed ones (a name, or a model folder's path); all of
 * them without it. Nothing is downloaded: a catalog model not downloaded yet is a usage error.
 */
function chooseEvaluatedModels(installed: readonly InstalledModel[], requested: string | undefined, quantization: Quantization | undefined): InstalledModel[] {
  if (requested === undefined) return [...installed];
  const names = requested.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--models names one or more models, separated by commas (e.g. use-lite,glove-100d)');
  return names.map((name): InstalledModel => {
    const found = installed.find((model) => model.name === name || (existsSync(name) && path.resolve(name) === model.directory));
    if (found) return found;
    if (existsSync(name)) {
      const [folder] = installedModels({ customDirectory: path.resolve(name), quantization });
      if (folder) return folder;
      throw new UsageError(`${name} holds no ONNX model (onnx/model.onnx or onnx/model_quantized.onnx)`);
    }
    const entry = catalogEntry(name);
    if (entry?.kind === 'hub') throw new UsageError(`${entry.displayName} is not downloaded, and evaluate never downloads; run \`semsearch index --model ${entry.id}\` once to download it, or leave it out`);
    throw new UsageError(`unknown model "${name}": the installed ones are ${installed.map((model) => model.name).join(', ') || 'none'}`);
  });
}

function printEvaluation(report: ModelEvaluationReport): void {
  const count = (value: number) => value.toLocaleString('en-US');
  const rows = report.rows.map((row, position) => [
    String(position + 1),
    `${row.current ? '> ' : '  '}${row.model}`,
    row.label,
    String(row.dimensions),
    count(row.bytesPerVector),
    row.recallAt10.toFixed(3),
    row.mrrAt10.toFixed(3),
    row.ndcgAt10.toFixed(3),
    row.chunksPerSecond.toFixed(1),
  ]);
  const header = ['rank', 'model (> your index now)', 'vectors stored as', 'dims', 'B/vector', 'R@10', 'MRR@10', 'nDCG@10', 'chunks/s'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 1 || column === 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const { pool, queries, index } = report;
  const lines = [
    `index: ${count(index.chunks)} chunks, ${count(index.vectors)} vectors of ${index.modelId ?? 'no model'} (stored as ${index.storage ?? '-'})`,
    `pool:  ${count(pool.size)} chunks embedded by every model, documentation hidden in all: the ${count(pool.targets)} documented definitions (${count(pool.targetChunks)} chunks) and ${count(pool.distractors)} other chunks (seed ${report.seed}${pool.droppedQuoting > 0 ? `; ${pool.droppedQuoting} declarations left out for quoting a target's documentation` : ''})`,
    `queries: ${count(queries.count)}, one per documented definition (${queries.fromDocComments} from doc comments, ${queries.fromDocstrings} from Python docstrings); ${queries.skipped} documented definitions gave none `
      + `(${queries.leftOut.duplicate} say only what another says, ${queries.leftOut.boilerplate} only licence or attribution lines, ${queries.leftOut.noSentence} no sentence of three words, ${queries.leftOut.notHidden} documentation not hideable)`,
    '',
    line(header),
    ...rows.map(line),
    '',
    verdictText(report),
    '',
    ...report.models.map((model) => `${model.current ? '> ' : '  '}${model.name}: ${model.displayName}, model weights ${model.quantization}, ${model.dimensions} dimensions, ${count(model.maxTokens)}-token window${model.truncatedTexts > 0 ? `, ${count(model.truncatedTexts)} of ${count(pool.size)} pool texts cut to fit it` : ''}`),
    ...report.failures.map((failure) => `  ${failure.model}: not evaluated: ${failure.message}`),
    `Ranked by MRR@10 over the pool (not the whole index: absolute figures are higher than a search of ${count(index.chunks)} chunks would give; compare rows with each other).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The core's verdict in a line: the best row, or why the figures name none. */
function verdictText(report: ModelEvaluationReport): string {
  const best = report.verdict.best === undefined ? undefined : report.rows[report.verdict.best];
  return best
    ? `best here: ${best.model}, ${best.label} (MRR@10 ${best.mrrAt10.toFixed(3)}, Recall@10 ${best.recallAt10.toFixed(3)} on ${report.queries.count} queries)`
    : report.verdict.text;
}

/** Judges every installed model, and each storage option made from its vectors, on the index's own documented code. */
export async function commandEvaluate(argv: string[]): Promise<void> {
  const { values } = parse(argv, { queries: { type: 'string' }, distractors: { type: 'string' }, models: { type: 'string' }, seed: { type: 'string' } });
  const { databasePath } = locateIndex(values);
  const queries = integerOption(values, 'queries', DEFAULT_EVALUATION_QUERIES)!;
  const distractors = integerOption(values, 'distractors', DEFAULT_EVALUATION_DISTRACTORS)!;
  const seed = integerOption(values, 'seed', DEFAULT_EVALUATION_SEED)!;
  const quantization = values.quantization === undefined ? undefined : choice<Quantization>(values, 'quantization', ['fp32', 'int8'], DEFAULT_QUANTIZATION);
  const device = choice(values, 'device', ['auto', 'cpu', 'gpu'], 'auto') as DeviceSetting;
  const threads = integerOption(values, 'threads', undefined);
  // Read only: an evaluation changes nothing, and may run while the folder is being indexed.
  const store = IndexStore.open(databasePath, { readonly: true });
  try {
    const installed = evaluationCandidates(store, { bundledModelsDirectory: OFFLINE_MODELS_DIRECTORY, storageDirectory: cliStorageDirectory(), quantization });
    const models = chooseEvaluatedModels(installed, values.models as string | undefined, quantization);
    const interactive = process.stderr.isTTY && !values.json;
    const report = await evaluateModels({
      store,
      models,
      loadModel: (model) => EmbeddingRuntime.load({ modelDirectory: model.directory, modelId: model.modelId, quantization: model.quantization, device, threads }),
      queries,
      distractors,
      seed,
      signal: interruptible(),
      onProgress: (progress) => {
        if (!interactive) return;
        const percent = progress.total > 0 ? Math.floor((progress.done / progress.total) * 100) : 0;
        process.stderr.write(`\r${progress.phase}${progress.model ? ` ${progress.model}` : ''}: ${percent}%`.padEnd(70));
      },
    });
    if (interactive) process.stderr.write('\n');
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else printEvaluation(report);
  } finally {
    store.close();
  }
}
