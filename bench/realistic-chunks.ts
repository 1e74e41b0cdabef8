// Texts shaped like the chunks an index embeds, for the embedding benches (bench/embed.ts, bench/static-embed.ts).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** 30-line windows of the project's own sources, skipping near-empty ones, repeated up to `count`. */
export function realisticChunks(count: number): string[] {
  const files: string[] = [];
  const visit = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts')) files.push(full);
    }
  };
  visit(path.join(ROOT, 'extension'));
  const chunks: string[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let start = 0; start < lines.length; start += 30) {
      const text = lines.slice(start, start + 30).join('\n');
      if (text.trim().length > 200) chunks.push(`path: ${path.relative(ROOT, file)}\n${text}`);
    }
  }
  // Repeat if the project is small, so every configuration sees the same number of chunks.
  return Array.from({ length: count }, (_, index) => chunks[index % chunks.length]!);
}
