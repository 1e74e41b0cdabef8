// `npm run corpus`: builds the training corpus from training/corpus-manifest.json. Fetches every pinned
// package into .cache/corpus/downloads (npm pack, apt-get download), checks its SHA-256, unpacks it, cuts
// its sources and docs with the project's own chunker, extracts training pairs (extension/core/training/
// pairs.ts), drops those that overlap an evaluation set, duplicates and what exceeds a package's cap, and
// writes .cache/corpus/pairs.jsonl (one pair a line, in manifest order) and training/corpus-figures.json.
//
//   npm run corpus [-- --limit N] [--eval ../shared/eval/sets] [--out .cache/corpus/pairs.jsonl]
import { createWriteStream, existsSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CHUNKER_VERSION, createChunker } from '../extension/core/chunking/index.ts';
import { loadContaminationIndex } from '../extension/core/training/contamination.ts';
import { Deduplicator, type DuplicateReason } from '../extension/core/training/dedupe.ts';
import { htmlPairs, pairsFromChunks, restPairs, type TrainingPair } from '../extension/core/training/pairs.ts';
import { CACHE_DIRECTORY, extractedDirectory, fetchPinned, sha256File } from './sources/cache.ts';
import { readManifest, type ManifestPackage } from './sources/manifest.ts';
import { packageFiles, readPackageFile } from './sources/package-files.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: options } = parseArgs({
  options: {
    limit: { type: 'string' },
    eval: { type: 'string', default: path.resolve(ROOT, '..', 'shared', 'eval', 'sets') },
    out: { type: 'string', default: path.join(CACHE_DIRECTORY, 'pairs.jsonl') },
    figures: { type: 'string', default: path.join(ROOT, 'training', 'corpus-figures.json') },
  },
});

/** Most pairs one package gives (after de-duplication): one SDK of generated clients must not be the corpus. */
const PACKAGE_CAP = 4000;
/** Most identifier pairs one package gives: they are cheap to make and would crowd out documentation. */
const IDENTIFIER_CAP = 1500;

const started = performance.now();
const log = (line: string) => process.stderr.write(`${line}\n`);
const manifest = readManifest();
const packages = options.limit ? manifest.packages.slice(0, Number(options.limit)) : manifest.packages;

const evalDirectory = existsSync(options.eval) ? realpathSync(options.eval) : undefined;
if (evalDirectory === undefined) throw new Error(`${options.eval} not found: the evaluation sets must be present to keep them out of the training data`);
const contamination = loadContaminationIndex(evalDirectory);
log(`evaluation corpora: ${contamination.files} files indexed`);

const { missing, mismatched } = fetchPinned(packages, log);
if (mismatched.length > 0) throw new Error(`SHA-256 differs from the manifest for ${mismatched.join(', ')}; the files were deleted. Run again, or update the manifest (training/select-packages.ts) if the registry changed them.`);
if (missing.length > 0) log(`could not fetch ${missing.length}: ${missing.join(', ')} (left out)`);
const fetchSeconds = (performance.now() - started) / 1000;

// Whitespace-split words are a fair stand-in for the model's tokens here: chunks are cut by lines
// (maxChunkLines) long before this window, and split definitions give no pairs anyway.
const chunker = createChunker({ maxTokens: 8192, overlapTokens: 0, countTokens: (text) => Math.ceil(text.length / 4) });

interface Figures {
  packages: Record<string, number>;
  files: number;
  rawPairs: number;
  pairs: number;
  /**
   * SHA-256 of pairs.jsonl. The release records the hash of the corpus it was trained on (model.json): the pairs
   * come from the project's own chunker, so a chunker change gives another corpus from the same packages.
   */
  pairsSha256: string;
  /** The chunker that cut the pairs (CHUNKER_VERSION): a new one can change them, and the release with them. */
  chunkerVersion: string;
  byKind: Record<string, number>;
  byLanguage: Record<string, number>;
  byFamily: Record<string, number>;
  dropped: { evaluationOverlap: Record<string, number>; duplicate: Record<DuplicateReason, number>; packageCap: number; unreadable: number; chunkerErrors: number };
  missingPackages: string[];
  seconds: { fetch: number; total: number };
}
const figures: Figures = {
  packages: {},
  files: 0,
  rawPairs: 0,
  pairs: 0,
  pairsSha256: '',
  chunkerVersion: CHUNKER_VERSION,
  byKind: {},
  byLanguage: {},
  byFamily: {},
  dropped: { evaluationOverlap: {}, duplicate: { exact: 0, near: 0, query: 0 }, packageCap: 0, unreadable: 0, chunkerErrors: 0 },
  missingPackages: missing,
  seconds: { fetch: fetchSeconds, total: 0 },
};
const increment = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);

async function pairsOfPackage(entry: ManifestPackage): Promise<TrainingPair[]> {
  const directory = extractedDirectory(entry);
  const pairs: TrainingPair[] = [];
  for (const file of packageFiles(directory, entry.family)) {
    const text = readPackageFile(file);
    if (text === undefined) {
      figures.dropped.unreadable++;
      continue;
    }
    figures.files++;
    if (file.kind === 'rest') {
      pairs.push(...restPairs(file.relativePath.replace(/\.gz$/, ''), text));
      continue;
    }
    if (file.kind === 'html') {
      pairs.push(...htmlPairs(file.relativePath.replace(/\.gz$/, '').replace(/\.html?$/, '.md'), text));
      continue;
    }
    try {
      const chunks = await chunker.chunkFile(file.chunkPath, text);
      pairs.push(...pairsFromChunks(chunks));
    } catch {
      figures.dropped.chunkerErrors++;
    }
  }
  return pairs;
}

const deduplicator = new Deduplicator();
const output = createWriteStream(options.out);
const missingNames = new Set(missing);
for (const [index, entry] of packages.entries()) {
  if (missingNames.has(`${entry.name}@${entry.version}`)) continue;
  const raw = await pairsOfPackage(entry);
  figures.rawPairs += raw.length;
  let kept = 0;
  let identifiers = 0;
  for (const pair of raw) {
    const overlap = contamination.match(pair);
    if (overlap !== undefined) {
      increment(figures.dropped.evaluationOverlap, overlap);
      continue;
    }
    if (kept >= PACKAGE_CAP || (pair.kind === 'identifier' && identifiers >= IDENTIFIER_CAP)) {
      figures.dropped.packageCap++;
      continue;
    }
    const verdict = deduplicator.accept(pair);
    if (verdict !== true) {
      figures.dropped.duplicate[verdict]++;
      continue;
    }
    kept++;
    if (pair.kind === 'identifier') identifiers++;
    increment(figures.byKind, pair.kind);
    increment(figures.byLanguage, pair.language);
    increment(figures.byFamily, entry.family);
    output.write(`${JSON.stringify({ package: `${entry.registry}:${entry.name}`, family: entry.family, ...pair })}\n`);
  }
  figures.pairs += kept;
  increment(figures.packages, entry.family);
  if ((index + 1) % 25 === 0 || index + 1 === packages.length) {
    log(`${index + 1}/${packages.length} packages, ${figures.files} files, ${figures.pairs} pairs (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}
chunker.dispose();
await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));
figures.pairsSha256 = sha256File(options.out);
figures.seconds.total = (performance.now() - started) / 1000;
writeFileSync(options.figures, `${JSON.stringify(figures, null, 2)}\n`);
log(`wrote ${figures.pairs} pairs to ${path.relative(process.cwd(), options.out)}; figures in ${path.relative(process.cwd(), options.figures)}`);
