// Chunking must stay cheap next to embedding. The bound here is loose (CI machines vary); the figure is printed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createChunker } from '../../../extension/core/chunking/index.ts';
import { countWords } from './helpers.ts';

function repeatTo(lines: number, path: string): string {
  const text = readFileSync(new URL(path, import.meta.url), 'utf8');
  const out: string[] = [];
  while (out.length < lines) out.push(...text.split('\n'));
  return out.slice(0, lines).join('\n');
}

describe('chunking performance', () => {
  for (const [language, fixture, path] of [
    ['typescript', '../../fixtures/chunking/typescript/http-parser.ts', 'src/big.ts'],
    ['python', '../../fixtures/chunking/python/packets.py', 'src/big.py'],
  ] as const) {
    it(`chunks a 2,000-line ${language} file in well under a second once warm`, async (t) => {
      const text = repeatTo(2000, fixture);
      const chunker = createChunker({ maxTokens: 512, overlapTokens: 32, countTokens: countWords });
      try {
        await chunker.chunkFile(path, text); // loads the runtime and grammar, warms the JIT
        const times: number[] = [];
        for (let run = 0; run < 7; run++) {
          const start = performance.now();
          const chunks = await chunker.chunkFile(path, text);
          times.push(performance.now() - start);
          assert.ok(chunks.length > 100);
        }
        times.sort((a, b) => a - b);
        const median = times[3]!;
        t.diagnostic(`${language}: median ${median.toFixed(1)} ms for 2,000 lines`);
        assert.ok(median < 500, `median ${median.toFixed(1)} ms`);
      } finally {
        chunker.dispose();
      }
    });
  }
});
