// Debian's package records, read from the local apt lists (`apt-cache dumpavail`: no request to any
// server), and the download of a pinned .deb with `apt-get download NAME=VERSION`.
import { execFileSync, spawnSync } from 'node:child_process';

/** One binary package as apt knows it. */
export interface DebianRecord {
  name: string;
  /** The source package (several binary packages share one). */
  source: string;
  version: string;
  /** Kilobytes once installed. */
  installedSize: number;
  /** Bytes of the .deb. */
  size: number;
  sha256: string;
  filename: string;
  /** Names this package depends on (Depends and Pre-Depends, alternatives included, versions dropped). */
  depends: string[];
}

/** Every package record of the configured distribution, from the local lists. */
export function readDebianRecords(): DebianRecord[] {
  const text = execFileSync('apt-cache', ['dumpavail'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const records: DebianRecord[] = [];
  for (const paragraph of text.split('\n\n')) {
    const fields = new Map<string, string>();
    let last = '';
    for (const line of paragraph.split('\n')) {
      if (line.startsWith(' ') && last) fields.set(last, `${fields.get(last)}\n${line}`);
      else {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        last = line.slice(0, colon);
        fields.set(last, line.slice(colon + 1).trim());
      }
    }
    const name = fields.get('Package');
    if (!name || !fields.get('SHA256') || !fields.get('Filename')) continue;
    const dependsText = [fields.get('Depends'), fields.get('Pre-Depends')].filter(Boolean).join(',');
    records.push({
      name,
      source: (fields.get('Source') ?? name).split(' ')[0]!,
      version: fields.get('Version')!,
      installedSize: Number(fields.get('Installed-Size') ?? 0),
      size: Number(fields.get('Size') ?? 0),
      sha256: fields.get('SHA256')!,
      filename: fields.get('Filename')!,
      depends: dependsText
        .split(/[,|]/)
        .map((entry) => entry.trim().split(/[\s:(]/)[0]!)
        .filter((entry) => entry !== ''),
    });
  }
  // A name can be listed by several suites (bookworm and bookworm-security); keep the highest version
  // apt would install, which `apt-cache dumpavail` lists once per name already, but be safe.
  const byName = new Map<string, DebianRecord>();
  for (const record of records) if (!byName.has(record.name)) byName.set(record.name, record);
  return [...byName.values()];
}

/** How many other source packages depend on each package name: "most used" without any popularity data. */
export function reverseDependencyCounts(records: readonly DebianRecord[]): Map<string, number> {
  const dependents = new Map<string, Set<string>>();
  for (const record of records) {
    for (const dependency of new Set(record.depends)) {
      if (dependency === record.name) continue;
      let set = dependents.get(dependency);
      if (!set) dependents.set(dependency, (set = new Set()));
      set.add(record.source);
    }
  }
  return new Map([...dependents].map(([name, sources]) => [name, sources.size]));
}

/**
 * Downloads pinned .debs into `directory` (apt names them NAME_VERSION_ARCH.deb, with `:` as `%3a`).
 * One apt-get call fetches a whole batch; a name whose pinned version is gone fails the call, so
 * batches that fail are retried one package at a time to name the missing one.
 */
export function downloadDebs(entries: readonly { name: string; version: string }[], directory: string): { failed: string[] } {
  const failed: string[] = [];
  const run = (batch: readonly { name: string; version: string }[]) =>
    spawnSync('apt-get', ['download', '-q', ...batch.map((entry) => `${entry.name}=${entry.version}`)], { cwd: directory, encoding: 'utf8' });
  for (let start = 0; start < entries.length; start += 80) {
    const batch = entries.slice(start, start + 80);
    if (run(batch).status === 0) continue;
    for (const entry of batch) if (run([entry]).status !== 0) failed.push(`${entry.name}=${entry.version}`);
  }
  return { failed };
}

/** The file name `apt-get download` gives a package: NAME_VERSION_ARCH.deb with an epoch's `:` as `%3a` (the pool's name drops the epoch). */
export function debFileName(record: Pick<DebianRecord, 'name' | 'version' | 'filename'>): string {
  const architecture = /_([^_]+)\.deb$/.exec(record.filename)?.[1] ?? 'all';
  return `${record.name}_${record.version.replace(':', '%3a')}_${architecture}.deb`;
}

/**
 * The licences named by a package's copyright file (machine-readable DEP-5 `License:` lines), joined
 * with ` AND `, most frequent first; `see copyright` when the file is free-form.
 */
export function debianLicense(copyright: string | undefined): string {
  if (!copyright) return 'unknown (no copyright file)';
  const counts = new Map<string, number>();
  for (const match of copyright.matchAll(/^License:[ \t]*(\S[^\n]*)$/gm)) {
    const license = match[1]!.trim();
    counts.set(license, (counts.get(license) ?? 0) + 1);
  }
  if (counts.size === 0) return 'see /usr/share/doc copyright';
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([license]) => license)
    .join(' AND ');
}
