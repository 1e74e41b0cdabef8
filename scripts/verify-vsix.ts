// `node scripts/verify-vsix.ts FILE.vsix...`: checks that a platform VSIX carries exactly its own native code.
// Every file is read (inflated) and recognised by its header bytes, not its name: ELF (e_machine), Mach-O
// (cputype; each slice of a universal binary) or PE (the COFF machine field). Each must be of the VSIX's target
// platform (its extension.vsixmanifest names it), no path may name another platform's binaries, and the binaries
// the extension loads at run time (better-sqlite3's prebuild, onnxruntime-node's binding and library,
// sqlite-vec's loadable extension) must all be there.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { constants, inflateRawSync } from 'node:zlib';
import { readZipEntries, type ZipEntry } from './package.ts';
import { TARGETS, type BinaryArch, type BinaryFormat } from './platforms.ts';

/** What a file's header says it is; undefined for anything that is not native code. */
export interface BinaryHeader {
  format: BinaryFormat;
  /** One per slice (a universal Mach-O has several); 'other:<n>' for machines this project never targets. */
  archs: string[];
}

const ELF_MACHINES: Readonly<Record<number, BinaryArch>> = { 0x3e: 'x64', 0xb7: 'arm64' };
const MACHO_CPUS: Readonly<Record<number, BinaryArch>> = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const PE_MACHINES: Readonly<Record<number, BinaryArch>> = { 0x8664: 'x64', 0xaa64: 'arm64' };

/** Reads the executable header at the start of `bytes` (the first 4 KiB are enough). */
export function readBinaryHeader(bytes: Buffer): BinaryHeader | undefined {
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    const littleEndian = bytes[5] === 1;
    const machine = littleEndian ? bytes.readUInt16LE(18) : bytes.readUInt16BE(18);
    return { format: 'elf', archs: [ELF_MACHINES[machine] ?? `other:${machine}`] };
  }
  if (bytes.length >= 8) {
    const magic = bytes.readUInt32LE(0);
    if (magic === 0xfeedfacf || magic === 0xfeedface) {
      const cpu = bytes.readUInt32LE(4);
      return { format: 'mach-o', archs: [MACHO_CPUS[cpu] ?? `other:${cpu}`] };
    }
    // A universal binary: big-endian header, then one (cputype, cpusubtype, offset, size, align) per slice.
    // Java class files share the magic; they hold a small version number where the slice count would be.
    if (bytes.readUInt32BE(0) === 0xcafebabe) {
      const count = bytes.readUInt32BE(4);
      if (count > 0 && count < 20 && bytes.length >= 8 + count * 20) {
        const archs: string[] = [];
        for (let index = 0; index < count; index += 1) {
          const cpu = bytes.readUInt32BE(8 + index * 20);
          archs.push(MACHO_CPUS[cpu] ?? `other:${cpu}`);
        }
        return { format: 'mach-o', archs };
      }
    }
  }
  if (bytes.length >= 64 && bytes.toString('latin1', 0, 2) === 'MZ') {
    const peOffset = bytes.readUInt32LE(0x3c);
    if (peOffset + 6 <= bytes.length && bytes.readUInt32BE(peOffset) === 0x50450000) {
      const machine = bytes.readUInt16LE(peOffset + 4);
      return { format: 'pe', archs: [PE_MACHINES[machine] ?? `other:${machine}`] };
    }
  }
  return undefined;
}

/** The first `length` bytes of an entry's content (stored or deflated). */
async function readEntryStart(file: string, entry: ZipEntry, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const local = Buffer.alloc(30);
    await handle.read(local, 0, 30, entry.localHeaderOffset);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${file}: bad local header for ${entry.name}`);
    const dataOffset = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    // The header is at the start: a little of the compressed stream is enough (deflate never grows data by
    // more than a few bytes per 16 KiB, so `length` bytes out need at most about `length` bytes in).
    const readLength = Math.min(entry.compressedSize, entry.method === 0 ? length : length + 65_536);
    const data = Buffer.alloc(readLength);
    await handle.read(data, 0, readLength, dataOffset);
    if (entry.method === 0) return data.subarray(0, length);
    if (entry.method === 8) return inflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, length);
    throw new Error(`${file}: ${entry.name} uses zip method ${entry.method}`);
  } finally {
    await handle.close();
  }
}

export interface VsixReport {
  target: string;
  /** Each native file with what its header says. */
  binaries: Array<{ name: string; header: BinaryHeader }>;
  /** Every way the VSIX falls short; empty when it is right. */
  problems: string[];
}

// Paths that belong to one platform's binaries, by package layout.
const PLATFORM_PATH = /(?:better-sqlite3\/prebuilds\/([\w-]+)\.node$|onnxruntime-node\/bin\/napi-v\d+\/(\w+)\/(\w+)\/|node_modules\/sqlite-vec-(\w+)-(\w+)\/)/;

/** The platform a path is for, as a target name (sqlite-vec says windows for win32), or undefined. */
function platformOfPath(name: string): string | undefined {
  const match = PLATFORM_PATH.exec(name);
  if (match === null) return undefined;
  if (match[1] !== undefined) return match[1];
  if (match[2] !== undefined) return `${match[2]}-${match[3]}`;
  return `${match[4] === 'windows' ? 'win32' : match[4]}-${match[5]}`;
}

/** Opens a VSIX and checks its native code against its target platform. */
export async function verifyVsix(file: string): Promise<VsixReport> {
  const entries = await readZipEntries(file);
  const manifestEntry = entries.find((entry) => entry.name === 'extension.vsixmanifest');
  const manifest = manifestEntry ? (await readEntryStart(file, manifestEntry, manifestEntry.size)).toString('utf8') : '';
  const target = /TargetPlatform="([\w-]+)"/.exec(manifest)?.[1] ?? '';
  const report: VsixReport = { target, binaries: [], problems: [] };
  const expected = TARGETS[target];
  if (expected === undefined) {
    report.problems.push(`extension.vsixmanifest names no known target platform (${target || 'none'})`);
    return report;
  }
  for (const entry of entries) {
    if (entry.size === 0) continue;
    const header = readBinaryHeader(await readEntryStart(file, entry, 4096));
    const pathPlatform = platformOfPath(entry.name);
    if (pathPlatform !== undefined && pathPlatform !== target) report.problems.push(`${entry.name}: a ${pathPlatform} file in the ${target} package`);
    if (header === undefined) continue;
    report.binaries.push({ name: entry.name, header });
    if (header.format !== expected.format) report.problems.push(`${entry.name}: ${header.format}, but ${target} loads ${expected.format}`);
    const foreign = header.archs.filter((arch) => arch !== expected.arch);
    if (foreign.length > 0) report.problems.push(`${entry.name}: built for ${header.archs.join('+')}, but ${target} is ${expected.arch}`);
  }
  const names = new Set(report.binaries.map((binary) => binary.name.replace(/^extension\//, '')));
  const libraryName = { elf: 'libonnxruntime.so.1', 'mach-o': 'libonnxruntime.', pe: 'onnxruntime.dll' }[expected.format];
  const required: Array<[string, (name: string) => boolean]> = [
    [`better-sqlite3 prebuilds/${expected.sqlite}.node`, (name) => name === `node_modules/better-sqlite3/prebuilds/${expected.sqlite}.node`],
    [`onnxruntime-node bin/napi-v6/${expected.onnxruntime}/onnxruntime_binding.node`, (name) => name === `node_modules/onnxruntime-node/bin/napi-v6/${expected.onnxruntime}/onnxruntime_binding.node`],
    [`onnxruntime-node's ${libraryName}*`, (name) => name.startsWith(`node_modules/onnxruntime-node/bin/napi-v6/${expected.onnxruntime}/${libraryName}`)],
    [`${expected.sqliteVec}'s vec0 library`, (name) => name.startsWith(`node_modules/${expected.sqliteVec}/vec0.`)],
  ];
  for (const [what, present] of required) if (![...names].some(present)) report.problems.push(`missing ${what}`);
  return report;
}

if (import.meta.main) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('Usage: node scripts/verify-vsix.ts FILE.vsix...');
    process.exit(2);
  }
  let failed = false;
  for (const file of files) {
    const report = await verifyVsix(file);
    console.log(`${path.basename(file)} (${report.target || '?'}): ${report.binaries.length} native files`);
    for (const binary of report.binaries) console.log(`  ${binary.header.format} ${binary.header.archs.join('+')}  ${binary.name}`);
    for (const problem of report.problems) console.log(`  PROBLEM ${problem}`);
    failed ||= report.problems.length > 0;
  }
  process.exit(failed ? 1 : 0);
}
