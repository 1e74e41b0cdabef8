// Issue 20 item 1: each platform VSIX carries exactly its own native code. The checker (scripts/verify-vsix.ts)
// reads headers, not names: it is tried on the real binaries of every platform that the npm packages ship, on
// small VSIXes made here (a right one, and ones with a wrong architecture, a foreign file, a missing library),
// and on every platform VSIX that `npm run package` left in dist/ (`npm run package -- --all` makes all five).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { ONNXRUNTIME_FALLBACK, PLATFORM_CACHE, TARGETS } from '../../../scripts/platforms.ts';
import { readBinaryHeader, verifyVsix } from '../../../scripts/verify-vsix.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const MODULES = path.join(ROOT, 'node_modules');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'semsearch-vsix-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function head(file: string): Buffer {
  return readFileSync(file).subarray(0, 4096);
}

/** A zip of stored (uncompressed) entries: enough of a VSIX for the checker. */
function writeZip(file: string, entries: Record<string, Buffer | string>): void {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.from(content);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(file, Buffer.concat([...locals, directory, end]));
}

const manifest = (target: string) => `<?xml version="1.0"?><PackageManifest><Metadata><Identity Id="x" TargetPlatform="${target}"/></Metadata></PackageManifest>`;

/** The entries of a correct linux-x64 VSIX, with the real headers of the installed binaries. */
function linuxX64Entries(): Record<string, Buffer | string> {
  const onnx = path.join(MODULES, 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
  return {
    'extension.vsixmanifest': manifest('linux-x64'),
    'extension/package.json': '{}',
    'extension/node_modules/better-sqlite3/prebuilds/linux-x64.node': head(path.join(MODULES, 'better-sqlite3', 'prebuilds', 'linux-x64.node')),
    'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node': head(path.join(onnx, 'onnxruntime_binding.node')),
    'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1': head(path.join(onnx, 'libonnxruntime.so.1')),
    'extension/node_modules/sqlite-vec-linux-x64/vec0.so': head(path.join(MODULES, 'sqlite-vec-linux-x64', 'vec0.so')),
  };
}

async function problemsOf(entries: Record<string, Buffer | string>): Promise<string[]> {
  const file = path.join(scratch, `${Math.random().toString(36).slice(2)}.vsix`);
  writeZip(file, entries);
  return (await verifyVsix(file)).problems;
}

describe('native code is recognised by its header', () => {
  test('better-sqlite3 prebuilds of every platform', () => {
    const expected: Record<string, [string, string]> = {
      'linux-x64': ['elf', 'x64'], 'linux-arm64': ['elf', 'arm64'], 'darwin-x64': ['mach-o', 'x64'],
      'darwin-arm64': ['mach-o', 'arm64'], 'win32-x64': ['pe', 'x64'], 'win32-arm64': ['pe', 'arm64'],
    };
    for (const [platform, [format, arch]] of Object.entries(expected)) {
      const header = readBinaryHeader(head(path.join(MODULES, 'better-sqlite3', 'prebuilds', `${platform}.node`)));
      assert.deepEqual(header, { format, archs: [arch] }, platform);
    }
  });

  test('onnxruntime-node binaries and libraries; text files are not native code', () => {
    const bin = path.join(MODULES, 'onnxruntime-node', 'bin', 'napi-v6');
    assert.deepEqual(readBinaryHeader(head(path.join(bin, 'linux', 'arm64', 'libonnxruntime.so.1'))), { format: 'elf', archs: ['arm64'] });
    assert.deepEqual(readBinaryHeader(head(path.join(bin, 'darwin', 'arm64', 'onnxruntime_binding.node'))), { format: 'mach-o', archs: ['arm64'] });
    assert.deepEqual(readBinaryHeader(head(path.join(bin, 'win32', 'x64', 'onnxruntime.dll'))), { format: 'pe', archs: ['x64'] });
    assert.equal(readBinaryHeader(head(path.join(MODULES, 'onnxruntime-node', 'package.json'))), undefined);
    assert.equal(readBinaryHeader(Buffer.from('MZ is also how some text starts, and it is long enough to look at the PE offset......')), undefined);
  });
});

describe('the VSIX checker', () => {
  test('accepts a VSIX with exactly its platform’s binaries', async () => {
    assert.deepEqual(await problemsOf(linuxX64Entries()), []);
  });

  test('rejects a binary of another architecture under the right name', async () => {
    const entries = linuxX64Entries();
    entries['extension/node_modules/better-sqlite3/prebuilds/linux-x64.node'] = head(path.join(MODULES, 'better-sqlite3', 'prebuilds', 'linux-arm64.node'));
    const problems = await problemsOf(entries);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /linux-x64\.node: built for arm64, but linux-x64 is x64/);
  });

  test('rejects another platform’s files, by header and by path', async () => {
    const entries = linuxX64Entries();
    entries['extension/dist/helper.bin'] = head(path.join(MODULES, 'better-sqlite3', 'prebuilds', 'win32-x64.node'));
    entries['extension/node_modules/sqlite-vec-darwin-arm64/package.json'] = '{}';
    const problems = await problemsOf(entries);
    assert.ok(problems.some((problem) => /helper\.bin: pe, but linux-x64 loads elf/.test(problem)), problems.join('\n'));
    assert.ok(problems.some((problem) => /sqlite-vec-darwin-arm64\/package\.json: a darwin-arm64 file/.test(problem)), problems.join('\n'));
  });

  test('rejects a VSIX that lacks a binary the extension loads, or names no target', async () => {
    const entries = linuxX64Entries();
    delete entries['extension/node_modules/sqlite-vec-linux-x64/vec0.so'];
    assert.deepEqual(await problemsOf(entries), ["missing sqlite-vec-linux-x64's vec0 library"]);
    assert.match((await problemsOf({ ...linuxX64Entries(), 'extension.vsixmanifest': manifest('') }))[0]!, /names no known target platform/);
  });
});

const packaged = existsSync(path.join(ROOT, 'dist')) ? readdirSync(path.join(ROOT, 'dist')).filter((name) => /^semantic-code-search-.+\.vsix$/.test(name)) : [];
describe('the platform VSIXes in dist/', { skip: packaged.length === 0 && 'none packaged yet (npm run package [-- --all])' }, () => {
  for (const name of packaged) {
    test(name, async () => {
      const report = await verifyVsix(path.join(ROOT, 'dist', name));
      assert.ok(name.endsWith(`-${report.target}.vsix`), `${name} is named after its target ${report.target}`);
      assert.deepEqual(report.problems, []);
      assert.ok(report.binaries.length >= 4);
    });
  }
});

// darwin-x64 takes its onnxruntime binding from an older release (scripts/platforms.ts): that release's binding
// for this machine must run the bundled models under the installed JavaScript with the same results.
const fallbackVersion = ONNXRUNTIME_FALLBACK['darwin/x64']!;
const fallbackPackage = path.join(PLATFORM_CACHE, `onnxruntime-node-${fallbackVersion}`);
const hostOnnx = path.join('bin', 'napi-v6', process.platform, process.arch);
describe(`onnxruntime-node ${fallbackVersion}'s binding under the installed JavaScript`, {
  skip: (!existsSync(path.join(fallbackPackage, hostOnnx)) && `onnxruntime-node@${fallbackVersion} is not in ${path.relative(ROOT, PLATFORM_CACHE)} (npm run package -- --target darwin-x64 fetches it)`) || (TARGETS['darwin-x64'] === undefined && 'no darwin-x64 target'),
}, () => {
  test('gives the same embeddings for both bundled models', () => {
    const mixed = path.join(scratch, 'mixed', 'node_modules');
    mkdirSync(mixed, { recursive: true });
    cpSync(path.join(MODULES, 'onnxruntime-common'), path.join(mixed, 'onnxruntime-common'), { recursive: true });
    const onnx = path.join(mixed, 'onnxruntime-node');
    for (const part of ['package.json', 'dist']) cpSync(path.join(MODULES, 'onnxruntime-node', part), path.join(onnx, part), { recursive: true });
    cpSync(path.join(fallbackPackage, hostOnnx), path.join(onnx, hostOnnx), { recursive: true });
    const probe = `
      const ort = require(process.argv[1]);
      (async () => {
        const out = [];
        for (const model of ['use-lite', 'glove-100d']) {
          const session = await ort.InferenceSession.create(require('path').join(${JSON.stringify(path.join(ROOT, 'models'))}, model, 'onnx', 'model.onnx'));
          const ids = new ort.Tensor('int64', BigInt64Array.from([5n, 17n, 42n, 7n]), [1, 4]);
          const mask = new ort.Tensor('int64', BigInt64Array.from([1n, 1n, 1n, 1n]), [1, 4]);
          const result = await session.run({ input_ids: ids, attention_mask: mask });
          out.push(Array.from(Object.values(result)[0].data));
        }
        process.stdout.write(JSON.stringify(out));
      })().catch((error) => { console.error(error); process.exit(1); });`;
    const run = (modulePath: string) => {
      const result = spawnSync(process.execPath, ['-e', probe, modulePath], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout) as number[][];
    };
    const installed = run(path.join(MODULES, 'onnxruntime-node'));
    const fallback = run(onnx);
    assert.equal(fallback.length, 2);
    for (let model = 0; model < 2; model += 1) {
      assert.equal(fallback[model]!.length, installed[model]!.length);
      for (let index = 0; index < installed[model]!.length; index += 1) assert.ok(Math.abs(fallback[model]![index]! - installed[model]![index]!) < 1e-4, `model ${model} dimension ${index}`);
    }
  });
});
