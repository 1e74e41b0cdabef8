// bench/quality: retrieval quality on the evaluation sets in ../shared/eval (real repositories and
// published benchmarks). For every dev set it indexes the set's corpus with the CLI (`semsearch index`),
// answers the set's queries with `semsearch search --batch` in each mode (dense only, lexical only,
// hybrid), scores the results with ../shared/eval/score.mjs, and prints one table next to the BM25
// baseline of ../shared/eval/results/bm25/summary.json.
//
//   node bench/quality.ts [--sets code-gin,cosqa,...,repo-queries] [--models use-lite,glove-100d] [--storage float32,int8,binary]
//                         [--modes dense,lexical,hybrid] [--ranking on,off] [--full] [--fresh] [--cache DIR] [--json FILE]
//                         [--search-args="--flag value"]
//
// --ranking: with the learned ranking stage (on, the default search), with the fused order (off), or both; `off`
// runs the hybrid mode only. repo-queries (whole-repository queries, file labels) indexes each of its
// repositories on its own and prints its own tables (bench/repo-queries.ts); its hybrid ranked search also
// with `--scope code`, the code files the peers of its published figures indexed.
//
// Indexes are kept in --cache (default .bench/quality) and indexed again incrementally on each run, so
// a second run only searches and scores. Storage options other than float32 are converted from the
// float32 vectors (no embedding). Results are deterministic: two runs print the same numbers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runRepoQueries, type RepoQueriesRow } from './repo-queries.ts';

function realpathIfExists(target: string): string {
  return existsSync(target) ? realpathSync(target) : target;
}

const ROOT = path.resolve(import.meta.dirname, '..');
// The real path: score.mjs runs only as the main module, which Node decides by its real path (a symlinked
// ../shared, as in a git worktree, made it print nothing).
const EVAL = realpathIfExists(path.resolve(ROOT, '..', 'shared', 'eval'));
const CLI = path.join(ROOT, 'bin', 'semsearch.js');

/** One scored row: a dev query file against the corpus it searches, scored as the BM25 table scores it. */
interface EvalSet {
  /** Name used by --sets. */
  set: string;
  /** Label of the matching row in the BM25 summary. */
  label: string;
  corpus: string;
  queries: string;
  /** Extra scorer arguments (`--min-rel 2` for graded sets). */
  scoreArguments: string[];
  /** A full (unstripped) corpus: a sanity check, run with --full only. */
  sanity: boolean;
}

function evalSet(set: string, variant: string, corpus: string, queries: string, options: { scoreArguments?: string[]; sanity?: boolean } = {}): EvalSet {
  return {
    set,
    label: variant ? `${set} / ${variant}` : set,
    corpus: path.join(EVAL, 'sets', corpus),
    queries: path.join(EVAL, 'sets', queries),
    scoreArguments: options.scoreArguments ?? [],
    sanity: options.sanity ?? false,
  };
}

const SETS: EvalSet[] = [
  evalSet('code-rich', 'stripped', 'code-rich/corpus-stripped', 'code-rich/dev/queries-stripped.jsonl'),
  evalSet('code-gin', 'stripped', 'code-gin/corpus-stripped', 'code-gin/dev/queries-stripped.jsonl'),
  evalSet('code-eslint', 'stripped', 'code-eslint/corpus-stripped', 'code-eslint/dev/queries-stripped.jsonl'),
  evalSet('docs-eslint', 'stripped', 'code-eslint/corpus-stripped', 'docs-eslint/dev/queries-stripped.jsonl'),
  evalSet('docs-fastapi', 'stripped', 'docs-fastapi/corpus-stripped', 'docs-fastapi/dev/queries-stripped.jsonl'),
  evalSet('xling-fastapi', 'stripped', 'docs-fastapi/corpus-stripped', 'xling-fastapi/dev/queries-stripped.jsonl'),
  evalSet('cosqa', '', 'cosqa/corpus', 'cosqa/dev/queries.jsonl'),
  evalSet('csn-python', 'functions', 'csn-python/corpus', 'csn-python/dev/queries.jsonl'),
  evalSet('csn-python', 'functions (min-rel 2)', 'csn-python/corpus', 'csn-python/dev/queries.jsonl', { scoreArguments: ['--min-rel', '2'] }),
  evalSet('csn-python', 'whole files', 'csn-python/corpus-files', 'csn-python/dev/queries-files.jsonl'),
  evalSet('code-rich', 'full', 'code-rich/corpus', 'code-rich/dev/queries.jsonl', { sanity: true }),
  evalSet('code-gin', 'full', 'code-gin/corpus', 'code-gin/dev/queries.jsonl', { sanity: true }),
  evalSet('code-eslint', 'full', 'code-eslint/corpus', 'code-eslint/dev/queries.jsonl', { sanity: true }),
  evalSet('docs-fastapi', 'full', 'docs-fastapi/corpus', 'docs-fastapi/dev/queries.jsonl', { sanity: true }),
  evalSet('docs-eslint', 'full', 'code-eslint/corpus', 'docs-eslint/dev/queries.jsonl', { sanity: true }),
];

/** The docs table's columns: both docs sets, stripped and full, and the cross-lingual set. */
const DOCS_COLUMNS = ['docs-fastapi / stripped', 'docs-fastapi / full', 'docs-eslint / stripped', 'docs-eslint / full', 'xling-fastapi / stripped'];

const { values: options } = parseArgs({
  options: {
    sets: { type: 'string' },
    models: { type: 'string', default: 'use-lite,glove-100d' },
    storage: { type: 'string', default: 'float32,int8,binary' },
    modes: { type: 'string', default: 'dense,lexical,hybrid' },
    ranking: { type: 'string', default: 'on,off' },
    full: { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
    cache: { type: 'string', default: path.join(ROOT, '.bench', 'quality') },
    json: { type: 'string' },
    'search-args': { type: 'string', default: '' },
  },
});

const list = (value: string): string[] => value.split(',').map((item) => item.trim()).filter((item) => item !== '');
const wantedSets = options.sets ? new Set(list(options.sets)) : undefined;
/** The whole-repository set: its own indexes (one per repository) and tables. */
const REPO_QUERIES = 'repo-queries';
const repoQueriesWanted = !wantedSets || wantedSets.has(REPO_QUERIES);
const sets = SETS.filter((entry) => (wantedSets ? wantedSets.has(entry.set) : true) && (options.full || !entry.sanity));
const models = list(options.models);
const storages = list(options.storage);
const modes = list(options.modes);
const searchArguments = list(options['search-args'].replaceAll(' ', ','));
if (!existsSync(EVAL)) throw new Error(`${EVAL} not found: the evaluation sets live in ../shared/eval`);
const rankings = list(options.ranking);
if (rankings.some((entry) => entry !== 'on' && entry !== 'off') || rankings.length === 0) throw new Error('--ranking takes on, off or on,off');
/** What each mode is run with: the ranking stage on for every mode; off (the fused order) for hybrid only. */
const variants = modes.flatMap((mode) => rankings.filter((entry) => entry === 'on' || mode === 'hybrid').map((entry) => ({ mode, ranking: entry === 'on' })));
if (sets.length === 0 && !repoQueriesWanted) throw new Error(`no set matches --sets ${options.sets}; sets: ${[...new Set(SETS.map((entry) => entry.set)), REPO_QUERIES].join(', ')}`);

/** Runs the CLI; its stdout when it succeeds, otherwise throws with its stderr. */
function semsearch(argumentsList: string[]): string {
  const result = spawnSync(process.execPath, [CLI, ...argumentsList], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`semsearch ${argumentsList.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

interface Scores {
  n: number;
  'Recall@10': number;
  'MRR@10': number;
  'nDCG@10': number;
}

function score(entry: EvalSet, resultsPath: string): Scores {
  const result = spawnSync(process.execPath, [path.join(EVAL, 'score.mjs'), '--queries', entry.queries, '--results', resultsPath, '--json', ...entry.scoreArguments], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`score.mjs failed on ${resultsPath}:\n${result.error?.message ?? result.stderr}`);
  return JSON.parse(result.stdout) as Scores;
}

const bm25 = new Map((JSON.parse(readFileSync(path.join(EVAL, 'results', 'bm25', 'summary.json'), 'utf8')) as (Scores & { label: string; split: string })[]).filter((row) => row.split === 'dev').map((row) => [row.label, row]));

interface Row {
  label: string;
  method: string;
  model: string | undefined;
  storage: string | undefined;
  mode: string;
  scores: Scores;
  milliseconds: number;
}
const rows: Row[] = [];
const indexing: { corpus: string; model: string; seconds: number; output: string }[] = [];
const started = performance.now();
const cacheKey = (corpus: string): string => path.relative(path.join(EVAL, 'sets'), corpus).replaceAll(path.sep, '__');
const resultsDirectory = path.join(options.cache, 'results');
mkdirSync(resultsDirectory, { recursive: true });

function searchAndScore(entry: EvalSet, databasePath: string, model: string, storage: string | undefined, mode: string, ranking: boolean): void {
  const resultsPath = path.join(resultsDirectory, `${entry.label.replace(/[^a-z0-9]+/gi, '_')}.${fileLabel(model)}.${storage ?? 'any'}.${mode}${ranking ? '' : '.fused'}.jsonl`);
  const searchStarted = performance.now();
  semsearch(['search', '--batch', entry.queries, '--db', databasePath, '--model', model, '--mode', mode, '--k', '10', '--out', resultsPath, ...(ranking ? [] : ['--no-ranking']), ...searchArguments]);
  const milliseconds = performance.now() - searchStarted;
  const method = `${mode === 'lexical' ? `lexical (${model} chunks)` : `${mode} ${model} ${storage}`}${ranking ? '' : ', fused order'}`;
  rows.push({ label: entry.label, method, model, storage: mode === 'lexical' ? undefined : storage, mode, scores: score(entry, resultsPath), milliseconds });
}

/** A model named by a folder path (`--models models/code-static`) is filed under the folder's name. */
function fileLabel(model: string): string {
  return path.basename(model).replace(/[^\w.-]+/g, '_');
}

const corpora = [...new Set(sets.map((entry) => entry.corpus))];
for (const corpus of corpora) {
  const corpusSets = sets.filter((entry) => entry.corpus === corpus);
  for (const model of models) {
    const databasePath = path.join(options.cache, cacheKey(corpus), `${fileLabel(model)}.db`);
    if (options.fresh) rmSync(path.dirname(databasePath), { recursive: true, force: true });
    mkdirSync(path.dirname(databasePath), { recursive: true });
    for (const [storageIndex, storage] of storages.entries()) {
      const indexStarted = performance.now();
      const output = semsearch(['index', corpus, '--db', databasePath, '--model', model, '--storage', storage]);
      const seconds = (performance.now() - indexStarted) / 1000;
      if (storageIndex === 0) indexing.push({ corpus: cacheKey(corpus), model, seconds, output: output.trim() });
      process.stderr.write(`indexed ${cacheKey(corpus)} with ${model} (${storage}) in ${seconds.toFixed(1)} s\n`);
      for (const entry of corpusSets) {
        for (const { mode, ranking } of variants) {
          // Lexical results do not depend on the storage (they do on the model: its window shapes the chunks).
          if (mode === 'lexical' && storageIndex > 0) continue;
          searchAndScore(entry, databasePath, model, storage, mode, ranking);
        }
      }
    }
  }
}

const percent = (value: number | undefined): string => (value === undefined ? '—' : (value * 100).toFixed(1));
const lines: string[] = [];
lines.push('| set | method | n | Recall@10 | MRR@10 | nDCG@10 | Δ nDCG vs BM25 | search s |', '|---|---|---|---|---|---|---|---|');
for (const label of [...new Set(sets.map((entry) => entry.label))]) {
  const baseline = bm25.get(label);
  if (baseline) lines.push(`| ${label} | BM25 baseline (40-line windows) | ${baseline.n} | ${percent(baseline['Recall@10'])} | ${percent(baseline['MRR@10'])} | ${percent(baseline['nDCG@10'])} | | |`);
  for (const row of rows.filter((candidate) => candidate.label === label)) {
    const delta = baseline ? ((row.scores['nDCG@10'] - baseline['nDCG@10']) * 100).toFixed(1) : '—';
    lines.push(`| ${label} | ${row.method} | ${row.scores.n} | ${percent(row.scores['Recall@10'])} | ${percent(row.scores['MRR@10'])} | ${percent(row.scores['nDCG@10'])} | ${delta.startsWith('-') ? delta : `+${delta}`} | ${(row.milliseconds / 1000).toFixed(1)} |`);
  }
}
if (sets.length > 0) process.stdout.write(`${lines.join('\n')}\n\n`);
// The docs table: nDCG@10 of each method on the docs sets side by side (issue 16: prose must never trail BM25).
const docsColumns = DOCS_COLUMNS.filter((label) => sets.some((entry) => entry.label === label));
if (docsColumns.length > 0) {
  const docs = [`| docs (nDCG@10) | ${docsColumns.join(' | ')} |`, `|---|${docsColumns.map(() => '---|').join('')}`];
  docs.push(`| BM25 baseline | ${docsColumns.map((label) => percent(bm25.get(label)?.['nDCG@10'])).join(' | ')} |`);
  for (const method of [...new Set(rows.filter((row) => docsColumns.includes(row.label)).map((row) => row.method))]) {
    docs.push(`| ${method} | ${docsColumns.map((label) => percent(rows.find((row) => row.label === label && row.method === method)?.scores['nDCG@10'])).join(' | ')} |`);
  }
  process.stdout.write(`${docs.join('\n')}\n\n`);
}
let repoQueriesRows: RepoQueriesRow[] = [];
if (repoQueriesWanted) {
  const { rows: scored, tables } = await runRepoQueries({
    // The peers of the published figures indexed code files only: the hybrid ranked search is also scored so.
    evalRoot: EVAL, cache: options.cache, models, storages, variants: [...variants, ...variants.filter((variant) => variant.mode === 'hybrid' && variant.ranking).map((variant) => ({ ...variant, scope: 'code' as const }))], searchArguments, semsearch, log: (line) => process.stderr.write(`${line}\n`),
  });
  repoQueriesRows = scored;
  process.stdout.write(`${tables}\n`);
}
process.stdout.write(`indexing (incremental on a cached index): ${indexing.map((entry) => `${entry.corpus} ${entry.model} ${entry.seconds.toFixed(1)} s`).join('; ')}\n`);
process.stdout.write(`total ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
if (options.json) writeFileSync(options.json, `${JSON.stringify({ sets: sets.map((entry) => entry.label), models, storages, modes, rankings, searchArguments, rows, indexing, repoQueries: repoQueriesRows }, null, 2)}\n`);
