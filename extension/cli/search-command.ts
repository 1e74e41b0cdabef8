// `semsearch search`: one query printed for a terminal or as --json, or a --batch file of queries
// answered as JSON lines.
import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { FusionWeights, SearchMode } from '../core/search/search.ts';
import { relationsOf } from '../core/search/relations.ts';
import { SEARCH_SCOPES, type SearchScope } from '../core/search/scope.ts';
import { choice, integerOption, parse, UsageError } from './arguments.ts';
import { hitJson, printHits } from './hits-output.ts';
import { locateIndex, openFolderIndex } from './open-index.ts';

/** `--weights dense=1,lexical=0.5,symbol=1`: the fusion weights to change. */
function fusionWeights(value: string | undefined): Partial<FusionWeights> | undefined {
  if (value === undefined) return undefined;
  const weights: Partial<FusionWeights> = {};
  for (const pair of value.split(',')) {
    const [name, number] = pair.split('=');
    const weight = Number(number);
    if (!(name === 'dense' || name === 'lexical' || name === 'symbol') || number === undefined || !Number.isFinite(weight) || weight < 0) {
      throw new UsageError(`--weights takes dense=W,lexical=W,symbol=W with non-negative numbers, not "${pair}"`);
    }
    weights[name] = weight;
  }
  return weights;
}

export async function commandSearch(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    k: { type: 'string' },
    lang: { type: 'string', multiple: true },
    path: { type: 'string' },
    scope: { type: 'string' },
    mode: { type: 'string' },
    batch: { type: 'string' },
    out: { type: 'string' },
    weights: { type: 'string' },
    relations: { type: 'boolean', default: false },
    'expand-calls': { type: 'boolean', default: false },
    'expand-hits': { type: 'string' },
    'no-tests': { type: 'boolean', default: false },
    'no-ranking': { type: 'boolean', default: false },
    explain: { type: 'boolean', default: false },
    'lexical-kinds': { type: 'boolean', default: false },
  });
  const k = integerOption(values, 'k', 10)!;
  const mode = choice(values, 'mode', ['hybrid', 'dense', 'lexical'], 'hybrid') as SearchMode;
  const scope = choice(values, 'scope', SEARCH_SCOPES, 'all') as SearchScope;
  if (values['expand-hits'] !== undefined && !values['expand-calls']) throw new UsageError('--expand-hits goes with --expand-calls');
  const expandCalls = values['expand-calls'] ? (integerOption(values, 'expand-hits', undefined) ?? true) : undefined;
  const searchOptions = {
    k,
    mode,
    languages: values.lang as string[] | undefined,
    pathGlob: values.path as string | undefined,
    excludeTests: values['no-tests'] === true,
    scope,
    ranking: values['no-ranking'] !== true,
    weights: fusionWeights(values.weights as string | undefined),
    expandCalls,
    lexicalKinds: values['lexical-kinds'] === true,
  };
  if (!values.batch && positionals.length !== 1) throw new UsageError('give one QUERY (in quotes), or --batch FILE');
  const { root, databasePath } = locateIndex(values);
  // One query reads the vectors from the database once; a batch holds them in memory after its first query.
  const index = await openFolderIndex(values, root, databasePath, { vectorsInMemory: values.batch !== undefined });
  try {
    if (values.batch) {
      const batchPath = values.batch as string;
      if (!existsSync(batchPath)) throw new UsageError(`batch file ${batchPath} does not exist`);
      const output: WriteStream | NodeJS.WriteStream = values.out ? createWriteStream(values.out as string) : process.stdout;
      const lines = createInterface({ input: createReadStream(batchPath), crlfDelay: Infinity });
      let lineNumber = 0;
      for await (const line of lines) {
        lineNumber += 1;
        if (line.trim() === '') continue;
        let entry: { id?: unknown; query?: unknown };
        try {
          entry = JSON.parse(line) as { id?: unknown; query?: unknown };
        } catch {
          throw new UsageError(`${batchPath}:${lineNumber} is not JSON`);
        }
        if (typeof entry.query !== 'string' || entry.id === undefined) throw new UsageError(`${batchPath}:${lineNumber} needs "id" and a string "query"`);
        const response = await index.search(entry.query, searchOptions);
        output.write(`${JSON.stringify({ id: entry.id, results: response.hits.map((hit) => hitJson(hit)) })}\n`);
      }
      if (output !== process.stdout) await new Promise<void>((resolve) => (output as WriteStream).end(resolve));
      return;
    }
    const response = await index.search(positionals[0]!, searchOptions);
    const relations = values.relations ? response.hits.map((hit) => relationsOf(index.store, hit.chunkIds)) : undefined;
    if (values.json) {
      const results = response.hits.map((hit, position) => hitJson(hit, relations?.[position]));
      process.stdout.write(`${JSON.stringify({ query: positionals[0], partial: response.partial, denseUnavailable: response.denseUnavailable ?? null, milliseconds: response.milliseconds, results }, null, 2)}\n`);
      return;
    }
    if (response.partial) process.stderr.write('semsearch: the index is partial (still being built, or interrupted): results cover what is indexed so far\n');
    if (response.denseUnavailable) process.stderr.write(`semsearch: lexical results only: ${response.denseUnavailable}\n`);
    if (response.hits.length === 0) process.stdout.write('no results\n');
    printHits(response.hits, relations, values.explain === true);
  } finally {
    await index.close();
  }
}
