// Chooses the source packages of the training corpus and writes training/corpus-manifest.json (run once
// by hand; `npm run corpus` only reads the manifest). Deliberate, bounded choices, no bulk scan:
// - npm: the most downloaded packages of the registry's own monthly download counts (the list shipped in
//   the workplace's package lists, ../.library/env/packages/npm.tsv), minus platform binaries;
// - Debian (bookworm, from the local apt lists): per family the packages most depended on (reverse
//   dependencies counted over the whole distribution), one per source package, within size bounds;
//   documentation packages of the chosen sources first, then the language references.
// Every evaluation project is left out by name (sources/exclusions.ts). It downloads each chosen file
// once (into the corpus cache) to record its SHA-256 and licence.
//
//   node training/select-packages.ts [--npm 300] [--python 250] [--go 200] [--rust 150] [--node 100] [--doc 150]
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DOWNLOADS, extractedDirectory, fetchPinned, sha256File } from './sources/cache.ts';
import { debFileName, debianLicense, readDebianRecords, reverseDependencyCounts, type DebianRecord } from './sources/debian.ts';
import { isExcludedPackage } from './sources/exclusions.ts';
import { MANIFEST_PATH, manifestText, type CorpusManifest, type ManifestPackage, type PackageFamily } from './sources/manifest.ts';
import { npmLicense, tarballFileName } from './sources/npm.ts';

const { values: options } = parseArgs({
  options: {
    npm: { type: 'string', default: '300' },
    python: { type: 'string', default: '250' },
    go: { type: 'string', default: '200' },
    rust: { type: 'string', default: '150' },
    node: { type: 'string', default: '100' },
    doc: { type: 'string', default: '150' },
    'npm-list': { type: 'string', default: '/work/.library/env/packages/npm.tsv' },
  },
});
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Prebuilt platform binaries and type-only stubs of them carry no source worth reading. */
const PLATFORM_BINARY = /(linux|darwin|win32|android|freebsd|openbsd|sunos|wasm32)-(x64|arm64|arm|ia32|riscv64|s390x|ppc64|loong64|wasi)|^@esbuild\/|^@img\/|^@rollup\/rollup-|^@swc\/core-|^@next\/swc-|-musl$|-gnu$/;

function chooseNpm(count: number): { name: string; version: string; downloads: number }[] {
  const lines = readFileSync(options['npm-list'], 'utf8').split('\n').slice(1);
  const rows = lines
    .map((line) => line.split('\t'))
    .filter((fields) => fields.length >= 3 && /^\d+$/.test(fields[2]!))
    .map((fields) => ({ name: fields[0]!, version: fields[1]!, downloads: Number(fields[2]) }))
    .filter((row) => !PLATFORM_BINARY.test(row.name) && !isExcludedPackage(row.name) && /^\d+\.\d+\.\d+$/.test(row.version));
  rows.sort((a, b) => b.downloads - a.downloads || a.name.localeCompare(b.name));
  return rows.slice(0, count);
}

const FAMILIES: { family: Exclude<PackageFamily, 'npm' | 'doc'>; pattern: RegExp; minKb: number; maxKb: number }[] = [
  { family: 'python', pattern: /^python3-[a-z0-9][\w.-]*$/, minKb: 20, maxKb: 40_000 },
  { family: 'go', pattern: /^golang-[\w.-]+-dev$/, minKb: 20, maxKb: 40_000 },
  { family: 'rust', pattern: /^librust-[a-z0-9][\w.-]*-dev$/, minKb: 10, maxKb: 20_000 },
  { family: 'node', pattern: /^node-[a-z0-9][\w.-]*$/, minKb: 10, maxKb: 40_000 },
];
/** Language references with much prose and example code, always wanted. */
const REFERENCE_DOCS = ['nodejs-doc', 'python3.11-doc', 'golang-1.19-doc'];

function chooseDebian(records: readonly DebianRecord[], counts: Record<string, number>): { record: DebianRecord; family: PackageFamily; measure: number }[] {
  const dependents = reverseDependencyCounts(records);
  const chosen: { record: DebianRecord; family: PackageFamily; measure: number }[] = [];
  const usedSources = new Set<string>();
  const sourceRank = new Map<string, number>();
  for (const { family, pattern, minKb, maxKb } of FAMILIES) {
    const candidates = records
      .filter((record) => pattern.test(record.name) && !record.name.includes('+') && !record.name.endsWith('-doc'))
      .filter((record) => record.installedSize >= minKb && record.installedSize <= maxKb && !isExcludedPackage(record.name, record.source))
      .map((record) => ({ record, measure: dependents.get(record.name) ?? 0 }))
      .sort((a, b) => b.measure - a.measure || a.record.name.localeCompare(b.record.name));
    let taken = 0;
    for (const candidate of candidates) {
      if (taken >= counts[family]!) break;
      if (usedSources.has(candidate.record.source)) continue;
      usedSources.add(candidate.record.source);
      sourceRank.set(candidate.record.source, chosen.length);
      chosen.push({ ...candidate, family });
      taken++;
    }
  }
  const docs = records
    .filter((record) => record.name.endsWith('-doc') && record.installedSize >= 50 && record.installedSize <= 80_000 && !isExcludedPackage(record.name, record.source))
    .map((record) => ({
      record,
      // References first, then the documentation of the sources chosen above in their order, then the rest by use.
      order: REFERENCE_DOCS.includes(record.name) ? -1 : (sourceRank.get(record.source) ?? Number.MAX_SAFE_INTEGER),
      measure: dependents.get(record.name) ?? 0,
    }))
    .sort((a, b) => a.order - b.order || b.measure - a.measure || a.record.name.localeCompare(b.record.name));
  let taken = 0;
  const docSources = new Set<string>();
  for (const doc of docs) {
    if (taken >= counts.doc!) break;
    if (docSources.has(doc.record.source)) continue;
    docSources.add(doc.record.source);
    chosen.push({ record: doc.record, family: 'doc', measure: doc.measure });
    taken++;
  }
  return chosen;
}

const counts = Object.fromEntries(['python', 'go', 'rust', 'node', 'doc'].map((family) => [family, Number(options[family as 'python'])]));
const npmChoice = chooseNpm(Number(options.npm));
const debianChoice = chooseDebian(readDebianRecords(), counts);
log(`chose ${npmChoice.length} npm and ${debianChoice.length} Debian packages`);

const pinned = [
  ...npmChoice.map((row) => ({ registry: 'npm' as const, name: row.name, version: row.version, file: tarballFileName(row.name, row.version) })),
  ...debianChoice.map(({ record }) => ({ registry: 'debian' as const, name: record.name, version: record.version, file: debFileName(record), sha256: record.sha256 })),
];
const { missing, mismatched } = fetchPinned(pinned, log);
if (missing.length + mismatched.length > 0) log(`left out (not fetched: ${missing.join(', ') || 'none'}; hash differs from apt's: ${mismatched.join(', ') || 'none'})`);

const packages: ManifestPackage[] = [];
npmChoice.forEach((row, index) => {
  const entry = pinned[index]!;
  const file = path.join(DOWNLOADS, entry.file);
  if (!existsSync(file)) return;
  const directory = extractedDirectory(entry);
  const packageJsonPath = path.join(directory, 'package', 'package.json');
  const packageJson = existsSync(packageJsonPath) ? (JSON.parse(readFileSync(packageJsonPath, 'utf8')) as Record<string, unknown>) : undefined;
  packages.push({ registry: 'npm', family: 'npm', name: row.name, version: row.version, sha256: sha256File(file), file: entry.file, license: npmLicense(packageJson), rank: index + 1, measure: row.downloads });
});
const familyRanks = new Map<string, number>();
for (const { record, family, measure } of debianChoice) {
  const file = path.join(DOWNLOADS, debFileName(record));
  if (!existsSync(file)) continue;
  const rank = (familyRanks.get(family) ?? 0) + 1;
  familyRanks.set(family, rank);
  const directory = extractedDirectory({ registry: 'debian', name: record.name, version: record.version, file: debFileName(record) });
  const copyrightPath = path.join(directory, 'usr', 'share', 'doc', record.name, 'copyright');
  const copyright = existsSync(copyrightPath) ? readFileSync(copyrightPath, 'utf8') : undefined;
  packages.push({ registry: 'debian', family, name: record.name, version: record.version, sha256: record.sha256, file: debFileName(record), license: debianLicense(copyright), source: record.source, rank, measure });
}

const manifest: CorpusManifest = {
  schemaVersion: 1,
  selection:
    'npm: the most downloaded packages (monthly downloads), platform binaries and evaluation projects left out. ' +
    'Debian: per family (python3-*, golang-*-dev, librust-*-dev, node-*) the packages with the most reverse dependencies, one per source package, within size bounds; ' +
    '-doc packages: the language references, then the documentation of the chosen sources, then the most depended on. Evaluation projects (rich, gin, gin-contrib, eslint, espree, fastapi) left out by name. measure = monthly downloads (npm) or reverse dependencies (Debian).',
  distribution: 'Debian 12 bookworm (main, updates, security), amd64; npm registry',
  packages,
};
writeFileSync(MANIFEST_PATH, manifestText(manifest));
log(`wrote ${packages.length} packages to ${path.relative(process.cwd(), MANIFEST_PATH)}`);
