// `node scripts/package.ts [--target linux-x64] [--no-build]`: builds the extension for production and packs
// it with @vscode/vsce into dist/semantic-code-search-<version>-<target>.vsix, then prints its size by part.
//
// What goes in: package.json, README, LICENSE, dist/ (bundles, wasm, webview), models/ (the offline models) and,
// from node_modules, only what the bundles load at run time (RUNTIME_EXTERNALS in build.ts and their own
// dependencies) with the native binaries of the target platform alone. .vscodeignore holds the fixed rules;
// this script adds the computed ones and checks the result.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build, RUNTIME_EXTERNALS } from './build.ts';
import { ensurePlatformBinaries, TARGETS } from './platforms.ts';
import { verifyVsix } from './verify-vsix.ts';

const root = path.resolve(import.meta.dirname, '..');

// Dependencies of the runtime externals that only their install or source build uses: onnxruntime-node's
// install script downloads optional GPU libraries (adm-zip, global-agent); node-addon-api is headers for
// compiling better-sqlite3, which ships prebuilt binaries.
const INSTALL_ONLY_DEPENDENCIES: ReadonlySet<string> = new Set(['adm-zip', 'global-agent', 'node-addon-api']);

// The top-level entries of the checkout that go into the VSIX (filtered further by .vscodeignore).
const TOP_LEVEL_IN_VSIX = /^(?:package\.json|readme\.md|changelog\.md|license(?:\.txt|\.md)?|dist|models|media|node_modules)$/i;

// What may sit under extension/ in the VSIX; anything else means .vscodeignore lets a stray file through.
const ALLOWED_IN_VSIX = /^extension\/(?:package\.json|readme\.md|changelog\.md|license(?:\.txt|\.md)?|dist\/.+|models\/.+|media\/.+|node_modules\/.+)$/i;

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readPackageJson(directory: string): PackageJson {
  return JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as PackageJson;
}

/** The installed folder of `name` as seen from `from` (Node's lookup: nearest node_modules upwards). */
function installedDirectory(name: string, from: string): string | undefined {
  for (let directory = from; ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (directory === root || path.dirname(directory) === directory) return undefined;
  }
}

/**
 * The installed packages reachable from `names` through dependencies and installed optional dependencies,
 * as folders relative to the root. `skip` names packages not to follow.
 */
function dependencyClosure(names: readonly string[], skip: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  const queue: Array<[string, string]> = names.map((name) => [name, root]);
  while (queue.length > 0) {
    const [name, from] = queue.shift()!;
    if (skip.has(name)) continue;
    const directory = installedDirectory(name, from);
    if (directory === undefined) continue; // an optional dependency for another platform
    const relative = path.relative(root, directory).split(path.sep).join('/');
    if (found.has(relative)) continue;
    found.add(relative);
    const manifest = readPackageJson(directory);
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) queue.push([dependency, directory]);
  }
  return found;
}

/** The ignore rules that depend on the installed tree and the target. Throws when a target binary is missing. */
function computedIgnoreRules(targetName: string): string[] {
  const target = TARGETS[targetName];
  if (target === undefined) throw new Error(`Unknown target ${targetName}; this script knows ${Object.keys(TARGETS).join(', ')}.`);
  const manifest = readPackageJson(root);
  const runtime = dependencyClosure(RUNTIME_EXTERNALS, INSTALL_ONLY_DEPENDENCIES);
  // vsce packs every production dependency it finds (`npm list --production`); the bundled ones are left out.
  const production = dependencyClosure(Object.keys(manifest.dependencies ?? {}), new Set());
  const rules = ['', '# Computed by scripts/package.ts: other top-level entries, bundled or install-only dependencies, other platforms.'];
  // Anything new at the top level (a tool's cache, a scratch folder) stays out without an edit here.
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!TOP_LEVEL_IN_VSIX.test(entry.name)) rules.push(entry.isDirectory() ? `${entry.name}/**` : entry.name);
  }
  for (const directory of [...production].filter((directory) => !runtime.has(directory)).sort()) rules.push(`${directory}/**`);

  const missing: string[] = [];
  const onnxBinaries = path.join(root, 'node_modules/onnxruntime-node/bin/napi-v6');
  if (!existsSync(path.join(onnxBinaries, target.onnxruntime))) missing.push(`onnxruntime-node/bin/napi-v6/${target.onnxruntime}`);
  for (const os of readdirSync(onnxBinaries)) {
    for (const arch of readdirSync(path.join(onnxBinaries, os))) {
      if (`${os}/${arch}` !== target.onnxruntime) rules.push(`node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}/**`);
    }
  }
  const sqlitePrebuilds = path.join(root, 'node_modules/better-sqlite3/prebuilds');
  if (!existsSync(path.join(sqlitePrebuilds, `${target.sqlite}.node`))) missing.push(`better-sqlite3/prebuilds/${target.sqlite}.node`);
  for (const file of readdirSync(sqlitePrebuilds)) if (file !== `${target.sqlite}.node`) rules.push(`node_modules/better-sqlite3/prebuilds/${file}`);
  for (const directory of runtime) {
    const name = path.basename(directory);
    if (name.startsWith('sqlite-vec-') && name !== target.sqliteVec) rules.push(`${directory}/**`);
  }
  if (!runtime.has(`node_modules/${target.sqliteVec}`)) missing.push(target.sqliteVec);
  if (missing.length > 0) {
    throw new Error(
      `The ${targetName} binaries are not installed: ${missing.join(', ')}. ` +
        `Install them for that platform (e.g. \`npm install --no-save --os=<os> --cpu=<cpu> ${target.sqliteVec}\`) or package on a ${targetName} machine.`,
    );
  }
  return rules;
}

/** One file in a zip, from its central directory. */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  size: number;
  /** 0 stored, 8 deflated. */
  method: number;
  /** Where the entry's local header starts. */
  localHeaderOffset: number;
}

/** Reads a zip's central directory (no zip64: a VSIX stays far below 4 GiB). */
export async function readZipEntries(file: string): Promise<ZipEntry[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 65_557); // end-of-central-directory record plus the longest comment
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (end < 0) throw new Error(`${file} is not a zip file.`);
    const count = tail.readUInt16LE(end + 10);
    const directoryLength = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    const directory = Buffer.alloc(directoryLength);
    await handle.read(directory, 0, directoryLength, directoryOffset);
    const entries: ZipEntry[] = [];
    for (let offset = 0, index = 0; index < count; index += 1) {
      const nameLength = directory.readUInt16LE(offset + 28);
      const extraLength = directory.readUInt16LE(offset + 30);
      const commentLength = directory.readUInt16LE(offset + 32);
      entries.push({
        method: directory.readUInt16LE(offset + 10),
        localHeaderOffset: directory.readUInt32LE(offset + 42),
        compressedSize: directory.readUInt32LE(offset + 20),
        size: directory.readUInt32LE(offset + 24),
        name: directory.toString('utf8', offset + 46, offset + 46 + nameLength),
      });
      offset += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/** The part of the VSIX a file counts towards in the size breakdown. */
function partOf(name: string): string {
  const parts = name.replace(/^extension\//, '').split('/');
  if (parts[0] === 'node_modules') return parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/');
  if (parts[0] === 'models') return parts[2] === 'onnx' ? parts.join('/') : `${parts.slice(0, 2).join('/')} (tokenizer, config)`;
  if (parts[0] === 'dist') return parts.length > 2 ? parts.slice(0, 2).join('/') : name.replace(/^extension\//, '');
  return parts.length > 1 ? parts[0] : 'manifest and docs';
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Prints the size of the VSIX and of its biggest parts; throws when a file outside the allowed set slipped in. */
export async function describeVsix(file: string, top = 16): Promise<void> {
  const entries = await readZipEntries(file);
  const stray = entries.filter((entry) => entry.name.startsWith('extension/') && !ALLOWED_IN_VSIX.test(entry.name));
  if (stray.length > 0) {
    throw new Error(`The VSIX holds files it should not (add them to .vscodeignore): ${stray.slice(0, 10).map((entry) => entry.name).join(', ')}`);
  }
  const parts = new Map<string, { compressed: number; size: number; files: number }>();
  for (const entry of entries) {
    const key = partOf(entry.name);
    const part = parts.get(key) ?? { compressed: 0, size: 0, files: 0 };
    part.compressed += entry.compressedSize;
    part.size += entry.size;
    part.files += 1;
    parts.set(key, part);
  }
  const { size } = await stat(file);
  const unpacked = entries.reduce((sum, entry) => sum + entry.size, 0);
  console.log(`\n${path.relative(root, file)}: ${mebibytes(size)} (${entries.length} files, ${mebibytes(unpacked)} unpacked)`);
  const sorted = [...parts.entries()].sort((a, b) => b[1].compressed - a[1].compressed);
  const width = Math.max(...sorted.slice(0, top).map(([name]) => name.length));
  for (const [name, part] of sorted.slice(0, top)) {
    console.log(`  ${name.padEnd(width)}  ${mebibytes(part.compressed).padStart(9)} packed  ${mebibytes(part.size).padStart(9)} unpacked  ${String(part.files).padStart(4)} file${part.files === 1 ? '' : 's'}`);
  }
  const rest = sorted.slice(top);
  if (rest.length > 0) {
    const restSize = rest.reduce((sum, [, part]) => sum + part.compressed, 0);
    console.log(`  ${`${rest.length} smaller part${rest.length === 1 ? '' : 's'}`.padEnd(width)}  ${mebibytes(restSize).padStart(9)} packed`);
  }
}

// Reproducible archives: vsce stamps every entry with SOURCE_DATE_EPOCH when it is set.
function sourceDateEpoch(): string {
  try {
    return execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || '315532800';
  } catch {
    return '315532800'; // 1980-01-01, the earliest time a zip can hold
  }
}

export interface PackageOptions {
  target?: string;
  /** Use dist/ as it is instead of running a production build first. */
  skipBuild?: boolean;
  /** Where the VSIX goes; default dist/semantic-code-search-<version>-<target>.vsix. */
  packagePath?: string;
}

/** Builds (unless told not to) and packages the extension; resolves to the VSIX path. */
export async function packageExtension(options: PackageOptions = {}): Promise<string> {
  const target = options.target ?? 'linux-x64';
  const started = performance.now();
  const ignoreRules = computedIgnoreRules(target); // fails early when the target's binaries are missing
  if (options.skipBuild !== true) await build({ production: true });
  const built = performance.now();

  const ignoreFile = path.join(root, 'out', 'package', 'vscodeignore');
  await mkdir(path.dirname(ignoreFile), { recursive: true });
  await writeFile(ignoreFile, `${readFileSync(path.join(root, '.vscodeignore'), 'utf8')}\n${ignoreRules.join('\n')}\n`);
  const { version } = readPackageJson(root);
  const packagePath = options.packagePath ?? path.join(root, 'dist', `semantic-code-search-${version}-${target}.vsix`);
  process.env.SOURCE_DATE_EPOCH ??= sourceDateEpoch();
  const { createVSIX } = await import('@vscode/vsce'); // loads a lot; only this command needs it
  await createVSIX({
    cwd: root,
    packagePath,
    target,
    ignoreFile,
    dependencies: true,
    useYarn: false,
    allowMissingRepository: true,
    skipLicense: !['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((name) => existsSync(path.join(root, name))),
  });
  await describeVsix(packagePath);
  const seconds = (milliseconds: number) => (milliseconds / 1000).toFixed(1);
  const finished = performance.now();
  console.log(`build ${seconds(built - started)} s, package ${seconds(finished - built)} s`);
  return packagePath;
}

/** Packages every target (one production build), fetching binaries from npm as needed; verifies each VSIX. */
async function packageAll(skipBuild: boolean): Promise<boolean> {
  const results: Array<{ target: string; file?: string; size?: number; error?: string }> = [];
  let built = skipBuild;
  for (const target of Object.keys(TARGETS)) {
    console.log(`\n=== ${target}`);
    try {
      for (const line of ensurePlatformBinaries(target)) console.log(`fetched ${line}`);
      const file = await packageExtension({ target, skipBuild: built });
      built = true;
      const report = await verifyVsix(file);
      if (report.problems.length > 0) throw new Error(`${path.basename(file)} failed verification:\n  ${report.problems.join('\n  ')}`);
      console.log(`verified: ${report.binaries.map((binary) => `${path.basename(binary.name)} (${binary.header.format} ${binary.header.archs.join('+')})`).join(', ')}`);
      results.push({ target, file, size: (await stat(file)).size });
    } catch (error) {
      results.push({ target, error: error instanceof Error ? error.message : String(error) });
    }
  }
  console.log('\nPlatform packages');
  for (const result of results) {
    console.log(result.error === undefined ? `  ok    ${result.target.padEnd(13)} ${mebibytes(result.size!).padStart(9)}  ${path.relative(root, result.file!)}` : `  FAIL  ${result.target.padEnd(13)} ${result.error}`);
  }
  return results.every((result) => result.error === undefined);
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const targetIndex = args.indexOf('--target');
  const target = targetIndex >= 0 ? args[targetIndex + 1] : undefined;
  const flags = new Set(['--no-build', '--all']);
  const unknown = args.filter((arg, index) => !flags.has(arg) && index !== targetIndex && !(targetIndex >= 0 && index === targetIndex + 1));
  if (unknown.length > 0 || (targetIndex >= 0 && target === undefined) || (targetIndex >= 0 && args.includes('--all'))) {
    console.error(`Usage: node scripts/package.ts [--target ${Object.keys(TARGETS).join('|')} | --all] [--no-build]`);
    process.exit(2);
  }
  try {
    if (args.includes('--all')) {
      process.exit((await packageAll(args.includes('--no-build'))) ? 0 : 1);
    }
    if (target !== undefined) for (const line of ensurePlatformBinaries(target)) console.log(`fetched ${line}`);
    await packageExtension({ target, skipBuild: args.includes('--no-build') });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
