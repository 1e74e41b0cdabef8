import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { walkAll, withTree, type TreeSpec } from './fixture.ts';

// Bounds that catch a hang or a quadratic walk, not a slow machine: on the 2-core development container
// a warm sync walk takes about 0.25 s and an async one about 1 s, but with ~15 processes sharing those
// cores the sync walk once took 11.5 s. The figures are printed as diagnostics.
const LIMIT_MS = { sync: 60_000, async: 120_000 } as const;

describe('discoverFiles: performance', () => {
  it('walks 10,000 files with ignore rules and content checks quickly', async (t) => {
    const spec: Record<string, TreeSpec | string> = { '.gitignore': '*.log\n/skip-me/\n' };
    for (let folder = 0; folder < 100; folder += 1) {
      const files: Record<string, string> = { '.gitignore': '*.tmp\n!keep.tmp\n' };
      for (let file = 0; file < 100; file += 1) {
        files[`file-${file}.ts`] = `export const value${file} = ${file};\n`.repeat(20);
      }
      spec[`pkg-${String(folder).padStart(3, '0')}`] = { src: files };
    }
    await withTree(spec, async (root) => {
      for (const io of ['sync', 'async'] as const) {
        const started = performance.now();
        const result = await walkAll([root], { io });
        const elapsed = performance.now() - started;
        t.diagnostic(`${io} io: walked ${result.summary.files} files in ${elapsed.toFixed(0)} ms`);
        assert.equal(result.summary.files, 10_000 + 100 + 1);
        assert.ok(elapsed < LIMIT_MS[io], `${io} io took ${elapsed.toFixed(0)} ms`);
      }
    });
  });
});
