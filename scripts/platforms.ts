// The platforms a VSIX is built for, where each native dependency keeps its binary for each, and how the binaries
// of a platform other than this machine's are fetched: from the npm registry by package name, nothing else.
//
//   better-sqlite3    ships every platform's N-API prebuild inside its npm package (prebuilds/<os>-<arch>.node).
//   onnxruntime-node  ships bin/napi-v6/<os>/<arch> inside its npm package, except macOS x64: ONNX Runtime dropped
//                     Intel macOS after 1.23, so that folder comes from onnxruntime-node@1.23.2, the last release
//                     that has it. Its N-API binding runs under the newer JavaScript of the installed release: on
//                     linux-x64, the 1.23.2 binding gives the same embeddings for both bundled models (tested in
//                     test/unit/scripts/vsix-platforms.test.ts when that package is in the cache).
//   sqlite-vec        one package per platform (sqlite-vec-<os>-<arch>), an optional dependency npm installs only
//                     for this machine; the others are unpacked from their npm tarballs into node_modules/.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** Downloaded npm tarballs and what was unpacked from them (gitignored). */
export const PLATFORM_CACHE = path.join(root, '.cache', 'platforms');

/** Executable formats and architectures, as the headers name them (scripts/verify-vsix.ts reads them). */
export type BinaryFormat = 'elf' | 'mach-o' | 'pe';
export type BinaryArch = 'x64' | 'arm64';

/** A VS Code target platform and where each native dependency keeps its binary for it. */
export interface Target {
  format: BinaryFormat;
  arch: BinaryArch;
  /** onnxruntime-node: bin/napi-v6/<os>/<arch>. */
  onnxruntime: string;
  /** better-sqlite3: prebuilds/<name>.node. */
  sqlite: string;
  /** sqlite-vec's platform package. */
  sqliteVec: string;
}

export const TARGETS: Readonly<Record<string, Target>> = {
  'linux-x64': { format: 'elf', arch: 'x64', onnxruntime: 'linux/x64', sqlite: 'linux-x64', sqliteVec: 'sqlite-vec-linux-x64' },
  'linux-arm64': { format: 'elf', arch: 'arm64', onnxruntime: 'linux/arm64', sqlite: 'linux-arm64', sqliteVec: 'sqlite-vec-linux-arm64' },
  'darwin-x64': { format: 'mach-o', arch: 'x64', onnxruntime: 'darwin/x64', sqlite: 'darwin-x64', sqliteVec: 'sqlite-vec-darwin-x64' },
  'darwin-arm64': { format: 'mach-o', arch: 'arm64', onnxruntime: 'darwin/arm64', sqlite: 'darwin-arm64', sqliteVec: 'sqlite-vec-darwin-arm64' },
  'win32-x64': { format: 'pe', arch: 'x64', onnxruntime: 'win32/x64', sqlite: 'win32-x64', sqliteVec: 'sqlite-vec-windows-x64' },
};

/** The onnxruntime-node release whose binary serves a platform the installed release has none for. */
export const ONNXRUNTIME_FALLBACK: Readonly<Record<string, string>> = { 'darwin/x64': '1.23.2' };

/** The VS Code target of this machine. */
export function hostTarget(): string {
  return `${process.platform}-${process.arch}`;
}

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * `npm pack NAME@VERSION` into the cache (once) and unpacked there; resolves to the unpacked package folder.
 * Throws with npm's own message when the registry cannot give it.
 */
export function fetchPackage(name: string, version: string): string {
  const unpacked = path.join(PLATFORM_CACHE, `${name}-${version}`);
  if (existsSync(path.join(unpacked, 'package.json'))) return unpacked;
  mkdirSync(PLATFORM_CACHE, { recursive: true });
  const tarball = path.join(PLATFORM_CACHE, `${name}-${version}.tgz`);
  if (!existsSync(tarball)) {
    console.log(`Fetching ${name}@${version} from the npm registry`);
    try {
      const file = execFileSync('npm', ['pack', `${name}@${version}`, '--silent', '--pack-destination', PLATFORM_CACHE], { cwd: PLATFORM_CACHE, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').at(-1)!;
      renameSync(path.join(PLATFORM_CACHE, file), tarball);
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(`Could not fetch ${name}@${version} from the npm registry: ${stderr || (error as Error).message}`);
    }
  }
  const staging = `${unpacked}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1']);
  renameSync(staging, unpacked);
  return unpacked;
}

/**
 * Makes the native binaries of `targetName` available in node_modules, fetching from npm what the install
 * lacks; throws with the exact reason when one cannot be had. Resolves to a line per binary fetched.
 */
export function ensurePlatformBinaries(targetName: string): string[] {
  const target = TARGETS[targetName];
  if (target === undefined) throw new Error(`Unknown target ${targetName}; known: ${Object.keys(TARGETS).join(', ')}.`);
  const done: string[] = [];
  const sqlitePrebuild = path.join(root, 'node_modules', 'better-sqlite3', 'prebuilds', `${target.sqlite}.node`);
  if (!existsSync(sqlitePrebuild)) {
    throw new Error(`better-sqlite3@${installedVersion('better-sqlite3')} has no prebuilds/${target.sqlite}.node in its npm package, and no other npm package provides it.`);
  }

  const onnxFolder = path.join(root, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', target.onnxruntime);
  if (!existsSync(path.join(onnxFolder, 'onnxruntime_binding.node'))) {
    const installed = installedVersion('onnxruntime-node');
    const fallback = ONNXRUNTIME_FALLBACK[target.onnxruntime];
    if (fallback === undefined) throw new Error(`onnxruntime-node@${installed} has no bin/napi-v6/${target.onnxruntime} and no other release is known to provide it.`);
    const source = path.join(fetchPackage('onnxruntime-node', fallback), 'bin', 'napi-v6', target.onnxruntime);
    if (!existsSync(path.join(source, 'onnxruntime_binding.node'))) throw new Error(`onnxruntime-node@${fallback} has no bin/napi-v6/${target.onnxruntime} either.`);
    cpSync(source, onnxFolder, { recursive: true });
    done.push(`onnxruntime-node bin/napi-v6/${target.onnxruntime} from onnxruntime-node@${fallback} (${installed} publishes none)`);
  }

  const vecFolder = path.join(root, 'node_modules', target.sqliteVec);
  if (!existsSync(path.join(vecFolder, 'package.json'))) {
    const version = installedVersion('sqlite-vec');
    cpSync(fetchPackage(target.sqliteVec, version), vecFolder, { recursive: true });
    done.push(`${target.sqliteVec}@${version}`);
  }
  return done;
}
