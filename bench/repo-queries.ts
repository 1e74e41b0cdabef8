// The repo-queries set for bench/quality: whole-repository queries ("how are routes registered", "RouterGroup")
// over 8 repositories, labelled by file. As a user would, each repository folder is indexed on its own and its
// queries are answered from its own index; result paths get the `<repo>/` prefix the labels use. Scored with
// ../shared/eval/score.mjs twice: `--files` (unique files, how ck and ColGREP were scored) and the chunk protocol
// (results as returned, how semble, CodeRankEmbed and BM25 were scored), per repository and per category, next
// to the published figures (bench/data/repo-queries-published.json).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** One query of the set. */
interface RepoQuery {
  id: string;
  repo: string;
  category: string;
  query: string;
  targets: { path: string; rel: number; start_line?: number; end_line?: number }[];
}

/** One way of answering: a search mode, with or without the ranking stage, over every file or source code only. */
export interface RepoQueriesVariant {
  mode: string;
  ranking: boolean;
  /** `code`: `--scope code`, the files the peers indexed (the set's README: "Peers indexed code files only"). */
  scope?: 'code';
}

/** What the scorer returns per query (the fields used here). */
interface QueryScore {
  id: string;
  'nDCG@10': number;
  'Recall@10': number;
  'MRR@10': number;
}

/** One scored row: a model, storage and variant, under one protocol, per repository and category. */
export interface RepoQueriesRow {
  method: string;
  protocol: 'files' | 'chunks';
  /** nDCG@10 per repository, per category, the mean over repositories (as the benchmark averages) and over queries. */
  byRepository: Record<string, number>;
  byCategory: Record<string, number>;
  repositoryMean: number;
  queryMean: number;
  recallAt10: number;
  mrrAt10: number;
  milliseconds: number;
}

interface Published {
  source: string;
  protocols: Record<string, 'files' | 'chunks'>;
  repositories: Record<string, Record<string, number>>;
  mean: Record<string, number>;
}

export interface RepoQueriesOptions {
  evalRoot: string;
  cache: string;
  models: readonly string[];
  storages: readonly string[];
  variants: readonly RepoQueriesVariant[];
  searchArguments: readonly string[];
  /** Runs the CLI and returns its stdout (bench/quality's). */
  semsearch: (argumentsList: string[]) => string;
  log: (line: string) => void;
}

/**
 * Results asked for per protocol: the chunk protocol scores the top 10 as returned; the file protocol reduces
 * results to unique files first, so it needs more of them to fill 10 files.
 */
const RESULTS = { chunks: 10, files: 30 } as const;

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);

/** Indexes, searches and scores the set; returns the rows and the tables as Markdown. */
export async function runRepoQueries(options: RepoQueriesOptions): Promise<{ rows: RepoQueriesRow[]; tables: string }> {
  const setRoot = path.join(options.evalRoot, 'sets', 'repo-queries');
  const queriesPath = path.join(setRoot, 'dev', 'queries.jsonl');
  const scorer = (await import(pathToFileURL(path.join(options.evalRoot, 'score.mjs')).href)) as {
    readJsonl: (file: string) => unknown[];
    scoreAll: (queries: unknown[], results: unknown[], options: { files?: boolean; target?: string }) => { per: QueryScore[] };
  };
  const queries = scorer.readJsonl(queriesPath) as RepoQuery[];
  const repositories = [...new Set(queries.map((query) => query.repo))];
  const categories = [...new Set(queries.map((query) => query.category))];
  const resultsDirectory = path.join(options.cache, 'results', 'repo-queries');
  mkdirSync(resultsDirectory, { recursive: true });
  for (const repo of repositories) {
    const lines = queries.filter((query) => query.repo === repo).map((query) => JSON.stringify({ id: query.id, query: query.query }));
    writeFileSync(path.join(resultsDirectory, `${repo}.queries.jsonl`), `${lines.join('\n')}\n`);
  }

  const rows: RepoQueriesRow[] = [];
  for (const model of options.models) {
    for (const [storageIndex, storage] of options.storages.entries()) {
      const databases = new Map<string, string>();
      for (const repo of repositories) {
        const databasePath = path.join(options.cache, `repo-queries__${repo}`, `${model}.db`);
        mkdirSync(path.dirname(databasePath), { recursive: true });
        const started = performance.now();
        options.semsearch(['index', path.join(setRoot, 'corpus', repo), '--db', databasePath, '--model', model, '--storage', storage]);
        options.log(`indexed repo-queries/${repo} with ${model} (${storage}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        databases.set(repo, databasePath);
      }
      for (const variant of options.variants) {
        // Lexical results do not depend on the storage.
        if (variant.mode === 'lexical' && storageIndex > 0) continue;
        const scope = variant.scope === 'code' ? ', code only' : '';
        const method = `${variant.mode === 'lexical' ? `lexical (${model} chunks)` : `${variant.mode} ${model} ${storage}`}${variant.ranking ? ', ranked' : ', fused order'}${scope}`;
        const tag = `${model}.${variant.mode === 'lexical' ? 'any' : storage}.${variant.mode}.${variant.ranking ? 'ranked' : 'fused'}${variant.scope ? `.${variant.scope}` : ''}`;
        let milliseconds = 0;
        for (const protocol of ['files', 'chunks'] as const) {
          const combined: string[] = [];
          for (const repo of repositories) {
            const out = path.join(resultsDirectory, `${repo}.${tag}.${protocol}.jsonl`);
            const started = performance.now();
            options.semsearch([
              'search', '--batch', path.join(resultsDirectory, `${repo}.queries.jsonl`), '--db', databases.get(repo)!, '--model', model, '--mode', variant.mode,
              '--k', String(RESULTS[protocol]), '--out', out, ...(variant.ranking ? [] : ['--no-ranking']), ...(variant.scope ? ['--scope', variant.scope] : []),
              ...options.searchArguments,
            ]);
            if (protocol === 'chunks') milliseconds += performance.now() - started;
            for (const line of readFileSync(out, 'utf8').split('\n').filter((entry) => entry.trim() !== '')) {
              const row = JSON.parse(line) as { id: string; results: { path: string }[] };
              combined.push(JSON.stringify({ id: row.id, results: row.results.map((result) => ({ ...result, path: `${repo}/${result.path}` })) }));
            }
          }
          const resultsPath = path.join(resultsDirectory, `all.${tag}.${protocol}.jsonl`);
          writeFileSync(resultsPath, `${combined.join('\n')}\n`);
          const results = scorer.readJsonl(resultsPath);
          const per = scorer.scoreAll(queries, results, { files: protocol === 'files' }).per;
          const byId = new Map(per.map((entry) => [entry.id, entry]));
          const of = (filter: (query: RepoQuery) => boolean, metric: keyof QueryScore = 'nDCG@10') => mean(queries.filter(filter).map((query) => byId.get(query.id)![metric] as number));
          const byRepository = Object.fromEntries(repositories.map((repo) => [repo, of((query) => query.repo === repo)]));
          rows.push({
            method,
            protocol,
            byRepository,
            byCategory: Object.fromEntries(categories.map((category) => [category, of((query) => query.category === category)])),
            repositoryMean: mean(Object.values(byRepository)),
            queryMean: of(() => true),
            recallAt10: of(() => true, 'Recall@10'),
            mrrAt10: of(() => true, 'MRR@10'),
            milliseconds,
          });
        }
      }
    }
  }
  return { rows, tables: repoQueriesTables(rows, repositories, categories) };
}

/** The published figures (bench/data), with where they come from. */
export function publishedFigures(): Published {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, 'data', 'repo-queries-published.json'), 'utf8')) as Published;
}

const figure = (value: number | undefined): string => (value === undefined ? '—' : value.toFixed(3));

/** Per protocol: repositories down, our rows and the peers scored the same way across; then categories. */
export function repoQueriesTables(rows: readonly RepoQueriesRow[], repositories: readonly string[], categories: readonly string[]): string {
  const published = publishedFigures();
  const out: string[] = [];
  for (const protocol of ['chunks', 'files'] as const) {
    const ours = rows.filter((row) => row.protocol === protocol);
    const peers = Object.entries(published.protocols).filter(([, kind]) => kind === protocol).map(([name]) => name);
    out.push(`repo-queries dev, ${protocol === 'files' ? 'file protocol (score.mjs --files)' : 'chunk protocol (score.mjs)'}: nDCG@10`, '');
    out.push(`| repo | ${[...ours.map((row) => row.method), ...peers.map((peer) => `${peer} (published)`)].join(' | ')} |`);
    out.push(`|---|${[...ours, ...peers].map(() => '---:').join('|')}|`);
    for (const repo of repositories) out.push(`| ${repo} | ${[...ours.map((row) => figure(row.byRepository[repo])), ...peers.map((peer) => figure(published.repositories[repo]?.[peer]))].join(' | ')} |`);
    out.push(`| **mean of repos** | ${[...ours.map((row) => `**${figure(row.repositoryMean)}**`), ...peers.map((peer) => `**${figure(published.mean[peer])}**`)].join(' | ')} |`);
    out.push(`| mean of queries | ${[...ours.map((row) => figure(row.queryMean)), ...peers.map(() => '')].join(' | ')} |`);
    for (const category of categories) out.push(`| ${category} | ${[...ours.map((row) => figure(row.byCategory[category])), ...peers.map(() => '')].join(' | ')} |`);
    out.push(`| Recall@10 / MRR@10 | ${[...ours.map((row) => `${figure(row.recallAt10)} / ${figure(row.mrrAt10)}`), ...peers.map(() => '')].join(' | ')} |`);
    out.push(`| search s | ${[...ours.map((row) => (row.milliseconds / 1000).toFixed(1)), ...peers.map(() => '')].join(' | ')} |`, '');
  }
  out.push(`Published figures: ${published.source}. Categories have no published figures.`);
  return `${out.join('\n')}\n`;
}
