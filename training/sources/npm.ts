// npm tarballs fetched by the ordinary client (`npm pack NAME@VERSION`), several per call, with the
// registry's integrity (sha512) reported by npm.
import { spawnSync } from 'node:child_process';

/** What `npm pack --json` reports of one tarball. */
export interface PackedTarball {
  name: string;
  version: string;
  filename: string;
  integrity: string;
}

/**
 * Downloads tarballs into `directory`. A batch whose call fails (a version no longer served) is
 * retried one package at a time, so the others still arrive and the missing ones are named.
 */
export function packTarballs(specs: readonly string[], directory: string): { packed: PackedTarball[]; failed: string[] } {
  const packed: PackedTarball[] = [];
  const failed: string[] = [];
  const run = (batch: readonly string[]): PackedTarball[] | undefined => {
    const result = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', directory, ...batch], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    if (result.status !== 0) return undefined;
    return (JSON.parse(result.stdout) as PackedTarball[]).map(({ name, version, filename, integrity }) => ({ name, version, filename, integrity }));
  };
  for (let start = 0; start < specs.length; start += 40) {
    const batch = specs.slice(start, start + 40);
    const whole = run(batch);
    if (whole) {
      packed.push(...whole);
      continue;
    }
    for (const spec of batch) {
      const single = run([spec]);
      if (single) packed.push(...single);
      else failed.push(spec);
    }
  }
  return { packed, failed };
}

/** The file name npm gives a tarball: `@scope/name` becomes `scope-name`. */
export function tarballFileName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** A package.json licence field in its old and new shapes. */
export function npmLicense(packageJson: Record<string, unknown> | undefined): string {
  if (!packageJson) return 'unknown (no package.json)';
  const license = packageJson.license ?? packageJson.licenses;
  if (typeof license === 'string') return license;
  if (Array.isArray(license)) return license.map((entry) => (typeof entry === 'string' ? entry : String((entry as { type?: unknown }).type))).join(' OR ');
  if (license && typeof license === 'object' && typeof (license as { type?: unknown }).type === 'string') return (license as { type: string }).type;
  return 'unknown (no licence field)';
}
