// bench/ranking-lab: the ranking stage's features measured on the dev sets, in seconds per variant. Each dev
// query's candidate pool is taken once from the product's search (fusedCandidates, hybrid, on bench/quality's
// indexes of the model) and kept on disk; then for each variant the ranker is trained on the training pools
// (training/ranker, never the dev sets), the dev pools are re-ranked by the product's `rerank` and turned into
// results by `rankedResults`, and ../shared/eval/score.mjs scores them (chunk protocol).
//
//   node bench/ranking-lab.ts [--cache .bench/quality] [--model code-static] [--train-cache DIR] [--sets a,b]
//                             [--variants all,ablation] [--train-packages a,b (train on these repositories only)]
//
// A set without a bench/quality index of the model gets one, built by the product's indexer with the model.
//
// `ablation` trains once without each feature (group) and prints the change of every set; a feature is kept when
// it raises the dev sets and lowers none by more than a point (ranking/README.md lists the outcome).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EmbeddingRuntime } from '../extension/core/embedding/runtime.ts';
import { cacheDirectory, FolderIndex } from '../extension/core/folder-index.ts';
import { rankedResults } from '../extension/core/search/results.ts';
import { Searcher, singleEmbedder } from '../extension/core/search/search.ts';
import type { FeatureName } from '../extension/core/search/ranking/features.ts';
import { FEATURE_VERSION, Ranker } from '../extension/core/search/ranking/model.ts';
import type { QueryShape } from '../extension/core/search/ranking/query-shape.ts';
import { rerank } from '../extension/core/search/ranking/rerank.ts';
import { IndexStore } from '../extension/core/store/index-store.ts';
import { parsePool, poolFrequencies, queryPool, serializePool, type PoolTarget, type QueryPool } from '../training/ranker/pools.ts';
import { FIT_OPTIONS, fitWeights, keptFeatures, trainingPools } from '../training/ranker/train.ts';
import { DEFAULT_MODEL_ID } from '../extension/core/model/catalog.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const EVAL = path.resolve(ROOT, '..', 'shared', 'eval');

/** A dev set: its index (as bench/quality caches it) and queries; repo-queries is one set per repository. */
interface LabSet {
  name: string;
  database: string;
  /** The corpus folder (to index when the set has no index). */
  corpus: string;
  queries: string;
  /** Prefix of target paths relative to the index (repo-queries: `<repo>/`). */
  prefix: string;
  /** Only queries of this repository (repo-queries). */
  repo?: string;
}

const { values } = parseArgs({
  options: {
    cache: { type: 'string', default: path.join(ROOT, '.bench', 'quality') },
    model: { type: 'string', default: DEFAULT_MODEL_ID },
    'train-cache': { type: 'string', default: path.join(cacheDirectory(), 'semantic-code-search', 'ranker-training') },
    'pools-cache': { type: 'string', default: path.join(ROOT, '.bench', 'ranking-lab') },
    /** Train on these repositories of training/ranker's manifest only (names, comma-separated). */
    'train-packages': { type: 'string' },
    sets: { type: 'string' },
    variants: { type: 'string', default: 'all' },
    json: { type: 'string' },
    /** Write each variant's results per set (JSONL, as score.mjs reads them) under this folder. */
    dump: { type: 'string' },
  },
});

/**
 * Name, bench/quality's cache folder (the corpus path with `__` for `/`), queries: the stripped variants, and the
 * full variants (the heading or the doc comment stays in the text, where a search tool must find it).
 */
const SETS: [string, string, string][] = [
  ['code-rich', 'code-rich__corpus-stripped', 'code-rich/dev/queries-stripped.jsonl'],
  ['code-gin', 'code-gin__corpus-stripped', 'code-gin/dev/queries-stripped.jsonl'],
  ['code-eslint', 'code-eslint__corpus-stripped', 'code-eslint/dev/queries-stripped.jsonl'],
  ['docs-eslint', 'code-eslint__corpus-stripped', 'docs-eslint/dev/queries-stripped.jsonl'],
  ['docs-fastapi', 'docs-fastapi__corpus-stripped', 'docs-fastapi/dev/queries-stripped.jsonl'],
  ['xling-fastapi', 'docs-fastapi__corpus-stripped', 'xling-fastapi/dev/queries-stripped.jsonl'],
  ['cosqa', 'cosqa__corpus', 'cosqa/dev/queries.jsonl'],
  ['csn-python', 'csn-python__corpus', 'csn-python/dev/queries.jsonl'],
  ['csn-python-files', 'csn-python__corpus-files', 'csn-python/dev/queries-files.jsonl'],
  ['docs-fastapi-full', 'docs-fastapi__corpus', 'docs-fastapi/dev/queries.jsonl'],
  ['docs-eslint-full', 'code-eslint__corpus', 'docs-eslint/dev/queries.jsonl'],
  // The full code sets: the query is a doc comment's first sentence, and the comment is in the text.
  ['code-rich-full', 'code-rich__corpus', 'code-rich/dev/queries.jsonl'],
  ['code-gin-full', 'code-gin__corpus', 'code-gin/dev/queries.jsonl'],
  ['code-eslint-full', 'code-eslint__corpus', 'code-eslint/dev/queries.jsonl'],
];
const REPOSITORIES = ['flask', 'click', 'express', 'cobra', 'axum', 'monolog', 'trpc', 'dapper'];
const allSets: LabSet[] = [
  ...REPOSITORIES.map((repo) => ({
    name: `repo-queries/${repo}`, database: path.join(values.cache, `repo-queries__${repo}`, `${values.model}.db`), corpus: path.join(EVAL, 'sets', 'repo-queries', 'corpus', repo),
    queries: path.join(EVAL, 'sets', 'repo-queries', 'dev', 'queries.jsonl'), prefix: `${repo}/`, repo,
  })),
  ...SETS.map(([name, folder, queries]) => ({ name, database: path.join(values.cache, folder, `${values.model}.db`), corpus: path.join(EVAL, 'sets', folder.replace('__', '/')), queries: path.join(EVAL, 'sets', queries), prefix: '' })),
];
const wanted = values.sets?.split(',');
const sets = allSets.filter((set) => !wanted || wanted.some((name) => set.name === name || set.name.startsWith(`${name}/`)));

/** Builds (or brings up to date) a set's index with the model, as bench/quality would. */
async function buildIndex(set: LabSet, runtime: EmbeddingRuntime): Promise<void> {
  const index = await FolderIndex.open({ root: set.corpus, databasePath: set.database, modelDirectory: runtime.info.modelDirectory, quantization: 'int8', runtime });
  try {
    const started = performance.now();
    const result = await index.index();
    process.stderr.write(`${set.name}: indexed ${result.filesIndexed} files in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    await index.close();
  }
}

interface RawQuery {
  id: string;
  repo?: string;
  query: string;
  path?: string;
  start_line?: number;
  end_line?: number;
  targets?: { path: string; start_line?: number; end_line?: number; rel?: number }[];
}

function targetsOf(query: RawQuery, prefix: string): PoolTarget[] {
  const list = query.targets ?? [{ path: query.path!, start_line: query.start_line, end_line: query.end_line, rel: 1 }];
  return list.filter((target) => (target.rel ?? 1) > 0).map((target) => ({ path: target.path.startsWith(prefix) ? target.path.slice(prefix.length) : target.path, startLine: target.start_line, endLine: target.end_line }));
}

/** The dev pools of a set, searched once and kept in --pools-cache. */
async function devPools(set: LabSet, runtime: EmbeddingRuntime): Promise<QueryPool[]> {
  const file = path.join(values['pools-cache'], values.model, `${set.name.replace('/', '__')}.jsonl`);
  if (existsSync(file)) return readFileSync(file, 'utf8').split('\n').filter((line) => line !== '').map(parsePool);
  if (!existsSync(set.database)) {
    mkdirSync(path.dirname(set.database), { recursive: true });
    await buildIndex(set, runtime);
  }
  const store = IndexStore.open(set.database, { readonly: true });
  try {
    const searcher = new Searcher(store, singleEmbedder(runtime));
    const queries = readFileSync(set.queries, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as RawQuery).filter((query) => !set.repo || query.repo === set.repo);
    const pools: QueryPool[] = [];
    for (const query of queries) pools.push(await queryPool(searcher, { id: String(query.id), group: set.name, query: query.query, targets: targetsOf(query, set.prefix) }, 'hybrid'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${pools.map(serializePool).join('\n')}\n`);
    return pools;
  } finally {
    store.close();
  }
}

const scorer = (await import(pathToFileURL(path.join(EVAL, 'score.mjs')).href)) as {
  readJsonl: (file: string) => unknown[];
  scoreAll: (queries: unknown[], results: unknown[], options: Record<string, unknown>) => { 'nDCG@10': number; per: { id: string; 'nDCG@10': number }[] };
};

/** nDCG@10 of a set's pools in the ranker's order (or the fused order), chunk protocol. */
function score(set: LabSet, pools: readonly QueryPool[], ranker: Ranker | undefined, variant: string): number {
  const queries = (scorer.readJsonl(set.queries) as RawQuery[]).filter((query) => !set.repo || query.repo === set.repo);
  const results = pools.map((pool) => {
    const ordered = ranker ? rerank(pool.query, pool.candidates, { ranker, wordFrequencies: poolFrequencies(pool) }) : pool.candidates;
    const hits = rankedResults(ordered).slice(0, 10);
    return { id: pool.id, results: hits.map((hit) => ({ path: `${set.prefix}${hit.path}`, start_line: hit.startLine, end_line: hit.endLine })) };
  });
  if (values.dump) {
    const folder = path.join(values.dump, variant.replace(/[^\w.=:@+-]+/g, '_'));
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `${set.name.replace('/', '__')}.jsonl`), results.map((result) => JSON.stringify(result)).join('\n') + '\n');
  }
  return scorer.scoreAll(queries, results, {})['nDCG@10'];
}

const runtime = await EmbeddingRuntime.load({ modelDirectory: path.join(ROOT, 'models', values.model), quantization: 'int8', device: 'cpu' });
const pools = new Map<string, QueryPool[]>();
try {
  for (const set of sets) {
    const started = performance.now();
    pools.set(set.name, await devPools(set, runtime));
    process.stderr.write(`${set.name}: ${pools.get(set.name)!.length} pools in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
} finally {
  await runtime.dispose();
}
const trainOnly = values['train-packages'] ? new Set(values['train-packages'].split(',')) : undefined;
const training = (await trainingPools(values['train-cache'], (line) => process.stderr.write(`${line}\n`), trainOnly)).pools;

/** Groups of features removed together in the ablation (one concern each). */
const GROUPS: Record<string, FeatureName[]> = {
  'retrieval scores': ['lexicalScore', 'lexicalRank', 'symbolListRank'],
  'dense scores': ['denseRank', 'denseGap'],
  'defines exact': ['definesExact'],
  'defines qualified': ['definesQualified'],
  'defines joined': ['definesJoined'],
  'defines code name': ['definesCodeName'],
  'defines specific name': ['definesSpecific'],
  'symbol words in code pools': ['symbolWordShareInCode'],
  'member of name': ['memberOfName'],
  'symbol words': ['symbolWordShare'],
  'stem words': ['stemWordShare'],
  'stem is name': ['stemIsName'],
  'folder words': ['folderWordShare'],
  'test path': ['testPath'],
  'example path': ['examplePath'],
  'vendored/generated': ['vendoredPath', 'generatedPath'],
  'compatibility path': ['compatibilityPath'],
  'type declaration': ['typeDeclarationPath'],
  'file coherence': ['fileCandidates', 'fileSupport'],
  'file position': ['bestInFile', 'filePosition'],
  'chunk kind': ['kindCallable', 'kindType', 'kindStatements', 'kindSection', 'kindWindow', 'outline'],
  'test code': ['testCode'],
  'later piece': ['laterPiece'],
  size: ['lines'],
};

const kept = keptFeatures();
type FitChoices = Parameters<typeof fitWeights>[2];
const variants: { name: string; features: Record<QueryShape, FeatureName[]> | undefined; options?: FitChoices; repeatAt?: Partial<Record<QueryShape, number>> }[] = [{ name: 'fused order (no ranking)', features: undefined }];
for (const variant of values.variants.split(',')) {
  if (variant === 'all') variants.push({ name: 'kept features (features.json)', features: kept });
  // `kept+words:definesCodeName-symbol:lines+balance-repeat`: the kept features with changes, and fit options
  // changed from train.ts's FIT_OPTIONS (`balance`: query groups weigh alike; `repeat`: learn the file-repeat
  // penalty), each for both shapes or one (`balance@words`).
  if (variant.startsWith('kept') && variant !== 'kept') {
    const features = { symbol: [...kept.symbol], words: [...kept.words] };
    const options: NonNullable<FitChoices> = { symbol: { ...FIT_OPTIONS.symbol }, words: { ...FIT_OPTIONS.words } };
    const repeatAt: Partial<Record<QueryShape, number>> = {};
    for (const [, sign, change] of variant.slice(4).matchAll(/([+-])([^+-]+)/g)) {
      const [what, only] = change!.split('@') as [string, QueryShape | undefined];
      const shapes: QueryShape[] = only ? [only] : ['symbol', 'words'];
      if (what === 'balance') for (const shape of shapes) options[shape]!.balanceGroups = sign === '+';
      else if (what === 'repeat') for (const shape of shapes) options[shape]!.fileRepeat = sign === '+';
      // `repeat=0.5@words`: the file-repeat penalty set instead of learned (to see how much it matters).
      else if (what.startsWith('repeat=')) for (const shape of shapes) repeatAt[shape] = Number(what.slice('repeat='.length));
      // `-trees@words`: no trees; `trees=60:5:0.05:b:100@words`: trees of these settings (count, depth, rate, `b`
      // for query groups weighed alike or `b0.5` for the square root of it, least hessian of a leaf) instead of train.ts's.
      else if (what === 'trees' && sign === '-') for (const shape of shapes) delete options[shape]!.trees;
      else if (what.startsWith('trees=')) {
        const [count, depth, rate, balance, minHessian] = what.slice('trees='.length).split(':');
        // `b`: groups alike; `b0.5`: a query weighs (group size)^-0.5; anything else: queries alike.
        const groupPower = balance!.startsWith('b') ? (balance!.length > 1 ? Number(balance!.slice(1)) : 1) : 0;
        for (const shape of shapes) options[shape]!.trees = { trees: Number(count), depth: Number(depth), rate: Number(rate), groupPower, minHessian: Number(minHessian) };
      }
      else {
        const [shape, feature] = what.split(':') as [QueryShape, FeatureName];
        features[shape] = sign === '+' ? [...features[shape].filter((name) => name !== feature), feature] : features[shape].filter((name) => name !== feature);
      }
    }
    variants.push({ name: variant, features, options, repeatAt });
  }
  if (variant === 'ablation') {
    for (const [group, names] of Object.entries(GROUPS)) {
      // A group the kept features use is tried without; one they do not use (in a shape) is tried with.
      const toggled = (list: FeatureName[]) => (names.some((name) => list.includes(name)) ? list.filter((name) => !names.includes(name)) : [...list, ...names]);
      const symbolUses = names.some((name) => kept.symbol.includes(name));
      const wordsUses = names.some((name) => kept.words.includes(name));
      const label = symbolUses && wordsUses ? `without ${group}` : !symbolUses && !wordsUses ? `with ${group}` : `${group}: ${symbolUses ? 'without (symbol), with (words)' : 'with (symbol), without (words)'}`;
      variants.push({ name: label, features: { symbol: toggled(kept.symbol), words: toggled(kept.words) } });
    }
  }
}

const rows: { variant: string; scores: Record<string, number> }[] = [];
for (const variant of variants) {
  const shapes = variant.features ? fitWeights(training, variant.features, variant.options) : undefined;
  for (const [shape, value] of Object.entries(variant.repeatAt ?? {})) shapes![shape as QueryShape].fileRepeat = value;
  const ranker = shapes ? new Ranker({ version: FEATURE_VERSION, shapes }) : undefined;
  const scores: Record<string, number> = {};
  for (const set of sets) scores[set.name] = score(set, pools.get(set.name)!, ranker, variant.name);
  const repoSets = sets.filter((set) => set.repo);
  if (repoSets.length > 0) scores['repo-queries'] = repoSets.reduce((sum, set) => sum + scores[set.name]!, 0) / repoSets.length;
  rows.push({ variant: variant.name, scores });
  if (ranker) process.stderr.write(`  file repeat: ${ranker.weights.shapes.symbol.fileRepeat ?? 0} (symbol), ${ranker.weights.shapes.words.fileRepeat ?? 0} (words)\n`);
  process.stderr.write(`${variant.name}: ${Object.entries(scores).map(([name, value]) => `${name} ${(value * 100).toFixed(1)}`).join(', ')}\n`);
}

const columns = Object.keys(rows[0]!.scores).filter((name) => !name.startsWith('repo-queries/'));
const base = rows.find((row) => row.variant.startsWith('kept'))?.scores;
const lines = [`| variant | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---:').join('|')}|`];
for (const row of rows) {
  const cell = (name: string) => {
    const value = (row.scores[name]! * 100).toFixed(1);
    return base && !row.variant.startsWith('kept') && !row.variant.startsWith('fused') ? `${value} (${((row.scores[name]! - base[name]!) * 100).toFixed(1)})` : value;
  };
  lines.push(`| ${row.variant} | ${columns.map(cell).join(' | ')} |`);
}
process.stdout.write(`nDCG@10, chunk protocol (repo-queries: mean of its repositories); in brackets: the change from the kept features\n\n${lines.join('\n')}\n`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(rows, null, 2)}\n`);
