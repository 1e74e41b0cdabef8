// Self-supervised queries from a repository's own code, and the copy of the repository they are asked of.
// Four kinds, as developers ask:
// - identifier: a name defined once in the repository (`Blueprint`, `Sinatra::Base`, `fetch request handler`)
//   → its definition;
// - doc: the first sentence of a doc comment or docstring → the documented definition, with the comment deleted
//   from the copy (left in, the query would find its own words);
// - doc-visible: the same with the comment left in (fewer of them): a user's code keeps its documentation, and
//   without these the ranker learns that the best lexical match is never the answer;
// - module: the first sentence of a file's own documentation (a module docstring, Go's package comment, Rust's
//   `//!`, a file's leading doc block) → the file, with that documentation deleted;
// - file: a source file's name, as a developer types it to find the file (`args`, `SqlMapper`, `RequestContext`)
//   → the file; only identifier-like names that one file carries and no other file defines (one answer);
// - heading: a Markdown heading → its section's body, with the heading line blanked (as the docs sets do);
// - heading-visible: the same with the heading left in (fewer of them): a user's docs keep their headings, and
//   without these the ranker never sees a section whose heading says what the query says.
// Samples are chosen by a hash of where they are, so the same sources always give the same queries.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isSyntaxLanguage, languageForPath } from '../../extension/core/chunking/languages.ts';
import type { Chunk, Chunker } from '../../extension/core/chunking/types.ts';
import { docstringRows } from '../../extension/core/evaluation/hidden-text.ts';
import { identifierParts } from '../../extension/core/search/lexical.ts';
import { isTestPath } from '../../extension/core/search/path-roles.ts';
import { pathRoles, pathWords } from '../../extension/core/search/ranking/path-signals.ts';
import { normalName } from '../../extension/core/search/ranking/query-shape.ts';

export type TrainingKind = 'identifier' | 'doc' | 'doc-visible' | 'module' | 'file' | 'heading' | 'heading-visible';

/** One training query; a target without lines is the whole file. Lines are those of the stripped copy. */
export interface TrainingQuery {
  id: string;
  kind: TrainingKind;
  query: string;
  target: { path: string; startLine?: number; endLine?: number };
}

/** Queries per repository, per kind: enough of each kind that no one repository dominates. */
const PER_REPOSITORY: Record<TrainingKind, number> = { identifier: 30, doc: 40, 'doc-visible': 15, module: 12, file: 10, heading: 25, 'heading-visible': 10 };
/** Sentences shorter than this say too little to find anything; the evaluation sets use the same bound. */
const MIN_QUERY_WORDS = 4;
/** Sentences longer than this are paragraphs, not queries. */
const MAX_QUERY_WORDS = 30;
/** Names shorter than this (`get`, `run`) are defined everywhere under other names' scopes. */
const MIN_NAME_LENGTH = 4;
/** A section needs this much prose to be something a heading can be searched for. */
const MIN_SECTION_CHARACTERS = 150;
/** Lines of code a documented definition keeps without its documentation, to be a fair target. */
const MIN_CODE_LINES = 3;
/** Files larger than this are skipped, as the indexer skips them by default. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Folders never walked. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', 'debian']);
/** Names that every class has: asking for them names nothing in particular. */
const GENERIC_NAMES = new Set(['constructor', 'init', 'new', 'tostring', 'main', 'default', 'index', 'call', 'repr', 'str', 'eq', 'hash']);

const DEFINING = new Set(['function', 'method', 'class', 'interface', 'enum', 'type', 'impl']);

const order = (key: string): string => createHash('sha1').update(key).digest('hex');

/** Every file the copy holds, relative to the root, '/' separators. */
function walk(root: string, folder = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
    const relative = folder ? `${folder}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...walk(root, relative));
    else if (entry.isFile() && statSync(path.join(root, relative)).size <= MAX_FILE_BYTES) files.push(relative);
  }
  return files.sort();
}

/** A doc comment's text without its markers: `/** … *\/`, `///`, `//!`, `//`, `#`, leading `*`; JSDoc tags dropped. */
export function commentText(comment: string): string {
  const lines: string[] = [];
  for (const raw of comment.split('\n')) {
    const line = raw
      .trim()
      .replace(/^\/\*\*?|\*\/$/g, '')
      .replace(/^(?:\/\/[/!]?|#+|\*)\s?/, '')
      .trim();
    if (/^@\w/.test(line)) break;
    lines.push(line);
  }
  return lines.join('\n');
}

/** The first sentence of a comment's first paragraph, cleaned of markup; undefined when it is not a usable query. */
export function firstSentence(text: string): string | undefined {
  // A title line (`requests.api`, underlined) is not a sentence: the first paragraph that gives one is used.
  for (const paragraph of text.trim().split(/\n\s*\n/).slice(0, 3)) {
    const sentence = paragraphSentence(paragraph);
    if (sentence !== undefined) return sentence;
  }
  return undefined;
}

function paragraphSentence(paragraph: string): string | undefined {
  const flat = paragraph
    .replace(/\{@link\s+([^}\s|]+)[^}]*\}/g, '$1')
    .replace(/:[a-z]+:`~?([^`]+)`/g, '$1')
    .replace(/[`*_]{1,3}([^`*_]+)[`*_]{1,3}/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  const sentence = (/^(.+?[.!?])(?:\s|$)/.exec(flat)?.[1] ?? flat).replace(/[.!?]$/, '').trim();
  const words = sentence.split(' ').filter((word) => /[\p{L}\p{N}]/u.test(word));
  if (words.length < MIN_QUERY_WORDS || words.length > MAX_QUERY_WORDS) return undefined;
  if (/^(?:deprecated|todo|fixme|xxx|copyright|license|licensed|this file is part of|@)/i.test(sentence) || /SPDX|license/i.test(sentence)) return undefined;
  return sentence;
}

/** File rows (0-based) of a chunk's doc comment, matched line by line in its text; undefined when not all are found. */
function docCommentRows(chunk: Chunk): number[] | undefined {
  if (!chunk.docComment) return undefined;
  const lines = chunk.text.split('\n');
  const rows: number[] = [];
  let next = 0;
  for (const commentLine of chunk.docComment.split('\n')) {
    const wanted = commentLine.trim();
    if (wanted === '') continue;
    let found = -1;
    for (let row = next; row < lines.length; row++) {
      if (lines[row]!.trim() === wanted) {
        found = row;
        break;
      }
    }
    if (found < 0) return undefined;
    rows.push(chunk.startLine - 1 + found);
    next = found + 1;
  }
  return rows;
}

/** Rows (0-based) and text of a file's own documentation at its top, by language; undefined when it has none. */
export function moduleDocumentation(language: string, lines: readonly string[]): { rows: number[]; text: string } | undefined {
  let row = 0;
  const skipBlank = () => {
    while (row < lines.length && lines[row]!.trim() === '') row++;
  };
  if (lines[0]?.startsWith('#!')) row = 1;
  if (language === 'python') {
    while (row < lines.length && (lines[row]!.trim() === '' || lines[row]!.trim().startsWith('#'))) row++;
    // A module docstring is a string literal before any statement: read it as the body of a pretend header.
    const rows = docstringRows(['module:', ...lines.slice(row)]);
    if (!rows || rows.start !== 1) return undefined;
    const span = Array.from({ length: rows.end - rows.start + 1 }, (_, index) => row + index);
    const text = span.map((index) => lines[index]!).join('\n').replace(/^\s*[rRuU]?("""|'''|"|')/, '').replace(/("""|'''|"|')\s*$/, '');
    return { rows: span, text };
  }
  const commentRun = (prefix: RegExp): number[] => {
    const rows: number[] = [];
    while (row < lines.length && prefix.test(lines[row]!)) rows.push(row++);
    return rows;
  };
  if (language === 'rust') {
    skipBlank();
    const rows = commentRun(/^\s*\/\/!/);
    return rows.length > 0 ? { rows, text: rows.map((index) => lines[index]!).join('\n') } : undefined;
  }
  if (language === 'go') {
    const packageRow = lines.findIndex((line) => /^package\s+\w+/.test(line));
    if (packageRow <= 0) return undefined;
    const rows: number[] = [];
    for (let index = packageRow - 1; index >= 0 && /^\s*\/\//.test(lines[index]!); index--) rows.unshift(index);
    const text = rows.map((index) => lines[index]!).join('\n');
    return rows.length > 0 && /^\s*\/\/\s*Package\s/.test(lines[rows[0]!]!) ? { rows, text } : undefined;
  }
  if (language === 'ruby') {
    while (row < lines.length && (lines[row]!.trim() === '' || /^#\s*(?:frozen_string_literal|encoding|-\*-)/.test(lines[row]!))) row++;
    const rows = commentRun(/^\s*#/);
    return rows.length > 0 ? { rows, text: rows.map((index) => lines[index]!).join('\n') } : undefined;
  }
  if (['javascript', 'typescript', 'tsx', 'php'].includes(language)) {
    if (language === 'php' && lines[row]?.trim().startsWith('<?php')) row++;
    while (row < lines.length && (lines[row]!.trim() === '' || /^\s*(?:'use strict'|"use strict"|declare\(strict_types=1\));?\s*$/.test(lines[row]!))) row++;
    if (!/^\s*\/\*\*/.test(lines[row] ?? '')) return undefined;
    const rows: number[] = [];
    while (row < lines.length) {
      rows.push(row);
      if (lines[row++]!.includes('*/')) break;
    }
    return { rows, text: rows.map((index) => lines[index]!).join('\n') };
  }
  return undefined;
}

/**
 * Whether a file is code a file-name query can ask for: source in a language with a grammar, and none of the roles
 * the ranker weighs (test, example, vendored, generated, compatibility, type declaration). Asked for, the few such
 * files with a name of their own taught the symbol shape that the role marks an answer: `examplePath` +2.0 from 10
 * example files among 400 queries, `compatibilityPath` +0.9 from files named `compat`.
 */
function askableByName(file: string, chunksByFile: ReadonlyMap<string, Chunk[]>): boolean {
  const roles = pathRoles(file);
  const ownCode = !roles.test && !roles.example && !roles.vendored && !roles.generated && !roles.compatibility && !roles.typeDeclaration;
  return ownCode && isSyntaxLanguage(languageForPath(file)) && (chunksByFile.get(file)?.length ?? 0) > 0;
}

/**
 * A file's name as a query: as written (`request_context`), and as the thing it holds would be named
 * (`RequestContext`); undefined for an entry point (`index.ts`, `mod.rs`), whose name is its folder's.
 */
function fileNameQuery(file: string): { written: string; named: string } | undefined {
  const words = pathWords(file);
  const written = (file.split('/').at(-1) ?? '').replace(/\.[^.]+$/, '');
  // A name with dashes or dots (`websocket-server`) reads as words; the module kind asks for files in words.
  if (!/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(written) || normalName(written) !== words.stemName) return undefined;
  const named = identifierParts(written).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
  return { written, named };
}

/** Markdown headings outside fenced code, with their section body's rows (0-based, inclusive). */
function markdownSections(lines: readonly string[]): { row: number; text: string; bodyStart: number; bodyEnd: number }[] {
  const headings: { row: number; text: string }[] = [];
  let fence: string | undefined;
  lines.forEach((line, row) => {
    const fenceMatch = /^\s*(```+|~~~+)/.exec(line);
    if (fenceMatch) {
      if (fence === undefined) fence = fenceMatch[1]![0];
      else if (fenceMatch[1]![0] === fence) fence = undefined;
      return;
    }
    const heading = fence === undefined ? /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line) : null;
    if (heading) headings.push({ row, text: heading[1]!.replace(/\{\s*#[^}]*\}/g, '').replace(/<[^>]+>/g, '').replace(/[`*_[\]]/g, '').replace(/\(.*?\)/g, '').trim() });
  });
  return headings.map((heading, index) => ({ ...heading, bodyStart: heading.row + 1, bodyEnd: (headings[index + 1]?.row ?? lines.length) - 1 }));
}

/** Qualifies a name as the language writes it: `Scope::name` in Rust, PHP, Ruby and C++, `Scope.name` elsewhere. */
function qualified(language: string, scope: string, name: string): string {
  return ['rust', 'php', 'ruby', 'cpp'].includes(language) ? `${scope}::${name}` : `${scope}.${name}`;
}

interface Candidate {
  key: string;
  kind: TrainingKind;
  query: string;
  path: string;
  /** Old rows of the target (0-based, inclusive); undefined for a whole file. */
  rows?: [number, number];
  /** Rows to delete from the file, and rows to blank. */
  deleted: number[];
  blanked: number[];
}

/**
 * Chunks every file of `root` with the product's chunker, chooses the queries, and writes the stripped copy to
 * `copyRoot`. Returns the queries with their targets in the copy's lines.
 */
export async function buildQueries(name: string, root: string, copyRoot: string, chunker: Chunker): Promise<TrainingQuery[]> {
  const files = walk(root);
  const texts = new Map(files.map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
  const chunksByFile = new Map<string, Chunk[]>();
  for (const file of files) chunksByFile.set(file, await chunker.chunkFile(file, texts.get(file)!));

  // How many definitions carry each name: a name defined twice has no single answer. And the files that define it.
  const definitions = new Map<string, number>();
  // The same by spelling: `Command` (a class) is one answer even beside a `command` function, when asked as written.
  const spelledDefinitions = new Map<string, number>();
  const definingFiles = new Map<string, Set<string>>();
  for (const [file, chunks] of chunksByFile) {
    for (const chunk of chunks) {
      if (!DEFINING.has(chunk.kind) || !chunk.symbol || (chunk.part && chunk.part.index > 0)) continue;
      const key = normalName(chunk.symbol);
      definitions.set(key, (definitions.get(key) ?? 0) + 1);
      spelledDefinitions.set(chunk.symbol, (spelledDefinitions.get(chunk.symbol) ?? 0) + 1);
      definingFiles.set(key, (definingFiles.get(key) ?? new Set()).add(file));
    }
  }
  // How many of the files a file query may name carry each stem: `utils.py` in three folders names none of them.
  const askable = new Set(files.filter((file) => askableByName(file, chunksByFile)));
  const stemCount = new Map<string, number>();
  for (const file of askable) {
    const stem = pathWords(file).stemName;
    stemCount.set(stem, (stemCount.get(stem) ?? 0) + 1);
  }

  const candidates: Candidate[] = [];
  for (const file of files) {
    const language = languageForPath(file);
    const lines = texts.get(file)!.split('\n');
    const test = isTestPath(file);
    if (language === 'markdown') {
      for (const section of markdownSections(lines)) {
        const words = section.text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
        const prose = lines.slice(section.bodyStart, section.bodyEnd + 1).join('\n').replace(/```[\s\S]*?```/g, '');
        if (words.length < 3 || prose.replace(/\s+/g, ' ').trim().length < MIN_SECTION_CHARACTERS) continue;
        // Sections are few (a repository has a handful of Markdown files), so each is asked one way only: a third
        // with the heading left in, the rest with it blanked.
        const key = `${name}:${file}:${section.row}:heading`;
        const visible = parseInt(order(`${key}:visible`).slice(0, 8), 16) % 3 === 0;
        candidates.push({ key, kind: visible ? 'heading-visible' : 'heading', query: section.text, path: file, rows: [section.bodyStart, section.bodyEnd], deleted: [], blanked: visible ? [] : [section.row] });
      }
      continue;
    }
    const fileName = askable.has(file) ? fileNameQuery(file) : undefined;
    if (fileName) {
      const normal = normalName(fileName.written);
      const definedElsewhere = [...(definingFiles.get(normal) ?? [])].some((other) => other !== file);
      if (stemCount.get(normal) === 1 && !definedElsewhere && normal.length >= MIN_NAME_LENGTH && !GENERIC_NAMES.has(normal)) {
        const key = `${name}:${file}:file`;
        // Half as the file spells it (`request_context`), half as the thing it holds is named (`RequestContext`).
        const query = parseInt(order(`${key}:form`).slice(0, 8), 16) % 2 === 0 ? fileName.written : fileName.named;
        candidates.push({ key, kind: 'file', query, path: file, deleted: [], blanked: [] });
      }
    }
    const moduleDoc = moduleDocumentation(language, lines);
    const moduleSentence = moduleDoc && firstSentence(commentText(moduleDoc.text).replace(/^Package\s+\w+\s+/, (match) => (language === 'go' ? '' : match)));
    if (moduleDoc && moduleSentence && !test) candidates.push({ key: `${name}:${file}:module`, kind: 'module', query: moduleSentence, path: file, deleted: moduleDoc.rows, blanked: [] });

    for (const chunk of chunksByFile.get(file) ?? []) {
      if (!DEFINING.has(chunk.kind) || !chunk.symbol || !chunk.definition || (chunk.part && chunk.part.index > 0) || test) continue;
      const pieces = (chunksByFile.get(file) ?? []).filter((other) => other.symbol === chunk.symbol && other.definition?.startLine === chunk.definition!.startLine);
      const endRow = Math.max(...pieces.map((piece) => piece.endLine)) - 1;
      const startRow = chunk.definition.startLine - 1;
      const normal = normalName(chunk.symbol);
      const key = `${name}:${file}:${startRow}:identifier`;
      const form = parseInt(order(`${key}:form`).slice(0, 8), 16) % 10;
      const parts = identifierParts(chunk.symbol);
      const scope = chunk.scope.at(-1);
      // Half the names as written, a fifth qualified by their scope, the rest as plain words.
      const query = form < 5 || (form >= 7 && parts.length < 2) || (form >= 5 && form < 7 && !scope) ? chunk.symbol : form < 7 ? qualified(language, scope!, chunk.symbol) : parts.join(' ');
      // Plain words lose the spelling, so they need a name no other definition has in any spelling.
      const unique = query.includes(chunk.symbol) ? spelledDefinitions.get(chunk.symbol) === 1 : definitions.get(normal) === 1;
      if (unique && normal.length >= MIN_NAME_LENGTH && !GENERIC_NAMES.has(normal)) {
        candidates.push({ key, kind: 'identifier', query, path: file, rows: [startRow, endRow], deleted: [], blanked: [] });
      }
      let docRows: number[] | undefined;
      let docText: string | undefined;
      if (language === 'python') {
        const rows = docstringRows(chunk.text.split('\n'));
        if (rows) {
          docRows = Array.from({ length: rows.end - rows.start + 1 }, (_, index) => chunk.startLine - 1 + rows.start + index);
          docText = docRows.map((row) => lines[row]!).join('\n').replace(/^\s*[rRuU]?("""|'''|"|')/, '').replace(/("""|'''|"|')\s*$/, '');
        }
      } else {
        docRows = docCommentRows(chunk);
        docText = chunk.docComment && commentText(chunk.docComment);
      }
      const sentence = docText && firstSentence(docText);
      // Without its documentation the definition must still hold some code (the evaluation sets ask for 3 lines).
      const codeRows = endRow - startRow + 1 - (docRows?.length ?? 0);
      if (docRows && sentence && codeRows >= MIN_CODE_LINES) {
        candidates.push({ key: `${name}:${file}:${startRow}:doc`, kind: 'doc', query: sentence, path: file, rows: [startRow, endRow], deleted: docRows, blanked: [] });
        // The same kind of query with the documentation left in, as a user's repository has it: a strong lexical
        // match on a definition's own words is evidence too (cosqa and csn-python search documented code).
        candidates.push({ key: `${name}:${file}:${startRow}:doc-visible`, kind: 'doc-visible', query: sentence, path: file, rows: [startRow, endRow], deleted: [], blanked: [] });
      }
    }
  }

  // Sample each kind, then strip what the chosen queries must not see.
  const chosen: Candidate[] = [];
  for (const kind of Object.keys(PER_REPOSITORY) as TrainingKind[]) {
    const seen = new Set<string>();
    // A definition (or section) asked about with its documentation (or heading) hidden cannot also be asked about
    // with it visible.
    const hidden = new Set(chosen.filter((entry) => entry.deleted.length > 0 || entry.blanked.length > 0).map((entry) => `${entry.path}:${entry.rows?.[0]}`));
    const visibleKind = kind === 'doc-visible' || kind === 'heading-visible';
    const ofKind = candidates
      .filter((candidate) => candidate.kind === kind && !(visibleKind && hidden.has(`${candidate.path}:${candidate.rows?.[0]}`)))
      .sort((a, b) => order(a.key).localeCompare(order(b.key)))
      .filter((candidate) => !seen.has(candidate.query) && seen.add(candidate.query));
    chosen.push(...ofKind.slice(0, PER_REPOSITORY[kind]));
  }
  const deletedByFile = new Map<string, Set<number>>();
  const blankedByFile = new Map<string, Set<number>>();
  for (const candidate of chosen) {
    for (const row of candidate.deleted) deletedByFile.set(candidate.path, (deletedByFile.get(candidate.path) ?? new Set()).add(row));
    for (const row of candidate.blanked) blankedByFile.set(candidate.path, (blankedByFile.get(candidate.path) ?? new Set()).add(row));
  }
  const newRow = new Map<string, number[]>();
  for (const file of files) {
    const lines = texts.get(file)!.split('\n');
    const deleted = deletedByFile.get(file) ?? new Set<number>();
    const blanked = blankedByFile.get(file) ?? new Set<number>();
    const mapping: number[] = [];
    const kept: string[] = [];
    lines.forEach((line, row) => {
      mapping.push(kept.length);
      if (!deleted.has(row)) kept.push(blanked.has(row) ? '' : line);
    });
    newRow.set(file, mapping);
    mkdirSync(path.dirname(path.join(copyRoot, file)), { recursive: true });
    writeFileSync(path.join(copyRoot, file), kept.join('\n'));
  }
  return chosen.map((candidate) => {
    const target: TrainingQuery['target'] = { path: candidate.path };
    if (candidate.rows) {
      const mapping = newRow.get(candidate.path)!;
      target.startLine = mapping[candidate.rows[0]]! + 1;
      // The last kept line at or before the old end.
      target.endLine = Math.max(target.startLine, mapping[candidate.rows[1]]! + (candidate.deleted.includes(candidate.rows[1]) ? 0 : 1));
    }
    return { id: `${candidate.kind}:${order(candidate.key).slice(0, 12)}`, kind: candidate.kind, query: candidate.query, target };
  });
}
