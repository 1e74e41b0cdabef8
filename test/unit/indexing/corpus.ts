// Small realistic folders for indexing tests, written to a temp folder.
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BASE_FILES: Record<string, string> = {
  'src/files.ts': `import { readFileSync } from 'node:fs';

/** Reads a JSON configuration file from disk and parses it. */
export function loadConfiguration(filePath: string): unknown {
  const text = readFileSync(filePath, 'utf8');
  return JSON.parse(text);
}

/** Writes text to a file, creating it if needed. */
export function saveText(filePath: string, text: string): void {
  writeFileSync(filePath, text);
}
`,
  'src/geometry.py': `import math


def circle_area(radius):
    """Area of a circle with the given radius."""
    return math.pi * radius * radius


class Rectangle:
    def __init__(self, width, height):
        self.width = width
        self.height = height

    def area(self):
        return self.width * self.height
`,
  'src/users.go': `package users

import "sort"

// SortUsersByAge orders users from youngest to oldest.
func SortUsersByAge(users []User) {
	sort.Slice(users, func(i, j int) bool { return users[i].Age < users[j].Age })
}

// User is a person with a name and an age.
type User struct {
	Name string
	Age  int
}
`,
  'docs/guide.md': `# Guide

## Installation

Install the package with npm and import it in your project.

## Weather

The forecast says it will rain tomorrow afternoon in the city.
`,
  '.gitignore': 'build/\n',
  'build/output.js': 'console.log("ignored build output");\n',
  '.env': 'SECRET_TOKEN=do-not-index-me\n',
};

/** Writes files into a new temp folder and returns its path. */
export function writeCorpus(files: Record<string, string> = BASE_FILES): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-corpus-'));
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), content);
  }
  return root;
}

/**
 * Sets every file's mtime under `root` to `at`. Files written just now have mtimes the indexer does not
 * trust (indexer.ts, RACY_MTIME_MS); tests that compare stored mtimes between runs date their files back.
 */
export function dateFilesBack(root: string, at: Date): void {
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) utimesSync(path.join(entry.parentPath, entry.name), at, at);
  }
}

/** A bigger generated folder: `count` modules of a few documented functions each. */
export function writeGeneratedCorpus(count: number): string {
  const verbs = ['parse', 'render', 'validate', 'fetch', 'store', 'compress', 'encrypt', 'sort', 'merge', 'format'];
  const nouns = ['header', 'invoice', 'user', 'image', 'record', 'message', 'token', 'report', 'session', 'address'];
  const files: Record<string, string> = {};
  for (let module = 0; module < count; module++) {
    const functions = [0, 1, 2, 3].map((index) => {
      const verb = verbs[(module + index) % verbs.length]!;
      const noun = nouns[(module * 3 + index) % nouns.length]!;
      return `/** ${verb} the ${noun} number ${module}-${index} and report what happened. */
export function ${verb}${noun[0]!.toUpperCase()}${noun.slice(1)}${module}x${index}(input: string, options: { strict: boolean }): string {
  const trimmed = input.trim();
  if (options.strict && trimmed.length === 0) throw new Error('empty ${noun} in module ${module}');
  const parts = trimmed.split(',').map((part) => part.toLowerCase());
  return parts.join('${index}') + ' ${verb}d ${noun} ${module}';
}`;
    });
    files[`src/module${String(module).padStart(3, '0')}.ts`] = `${functions.join('\n\n')}\n`;
  }
  return writeCorpus(files);
}
