// Code relations: the names each chunk defines, calls and imports. Calls and imports come from one tree-sitter
// query per language over the whole tree (relation-rules.ts), each tied to its source row; every draft then takes the
// names on its rows, and every piece of a split draft the names on its own rows. Names only: nothing is resolved.

import type { Node, Query } from 'web-tree-sitter';
import type { Draft, DraftLine, RowName } from './draft.ts';
import type { RelationRules } from './rule-types.ts';
import type { ChunkKind, ChunkRelations } from './types.ts';

/**
 * Version of the metadata a chunk holds outside its text and boundaries: relations, and (since 2) where its
 * definition and signature are. Bump it when what they hold changes: chunk sets stored with an older version are
 * chunked again on the next index run, which re-embeds nothing (none of it is part of the embedded text).
 */
export const RELATIONS_VERSION = 2;

/** Most names a chunk keeps per list (defines, calls, imports): a generated file must not flood the store. */
export const MAX_NAMES_PER_LIST = 200;

/** Longer names are not identifiers anyone searches for (and would bloat the store). */
const MAX_NAME_LENGTH = 200;

/** Captures read per file at most; past this a (generated) file keeps the relations found so far. */
const MAX_CAPTURES = 100_000;

/** Kinds whose symbol is something the chunk defines (an impl block only adds methods to its type). */
const definingKinds: ReadonlySet<ChunkKind> = new Set(['function', 'method', 'class', 'interface', 'enum', 'type']);

/** The calls and imports of one file, in source order. */
export interface FileRelations {
  calls: RowName[];
  imports: RowName[];
}

/** A module specifier without its quotes or angle brackets and with whitespace removed (Rust `use a::{b, c}`). */
function cleanName(text: string): string {
  return text.replace(/^(["'`<])(.*)[>"'`]$/s, '$2').replace(/\s+/g, '');
}

/**
 * Runs a language's relation query over a parsed file. `shouldStop` is asked now and then (a deadline, an abort):
 * when it says yes the query halts and the file keeps what was found.
 */
export function findRelations(query: Query, root: Node, rules: RelationRules, shouldStop: () => boolean): FileRelations {
  const found: FileRelations = { calls: [], imports: [] };
  const captures = query.captures(root, { progressCallback: () => shouldStop() });
  for (const capture of captures.length > MAX_CAPTURES ? captures.slice(0, MAX_CAPTURES) : captures) {
    if (capture.name.startsWith('_')) continue;
    const isCall = capture.name === 'call' || capture.name === 'call.bare';
    const name = isCall ? capture.node.text : cleanName(capture.node.text);
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) continue;
    if ((capture.name === 'call.bare' && rules.ignoredCalls.has(name)) || (isCall && rules.ignoredMemberCalls.has(name))) continue;
    (isCall ? found.calls : found.imports).push({ row: capture.node.startPosition.row, name });
  }
  return found;
}

/** Gives every draft the calls and imports found on its rows (a draft without relations gets some). */
export function attachRelations(drafts: readonly Draft[], found: FileRelations): void {
  const byRow = new Map<number, { calls: RowName[]; imports: RowName[] }>();
  const entry = (row: number) => {
    let names = byRow.get(row);
    if (names === undefined) {
      names = { calls: [], imports: [] };
      byRow.set(row, names);
    }
    return names;
  };
  for (const call of found.calls) entry(call.row).calls.push(call);
  for (const imported of found.imports) entry(imported.row).imports.push(imported);
  for (const draft of drafts) {
    const relations = (draft.relations ??= { defines: [], calls: [], imports: [] });
    // A class skeleton repeats a row for a member's `...` and closing line: each row counts once.
    const seen = new Set<number>();
    for (const line of draft.lines) {
      if (line.elided || seen.has(line.row)) continue;
      seen.add(line.row);
      const names = byRow.get(line.row);
      if (names === undefined) continue;
      relations.calls.push(...names.calls);
      relations.imports.push(...names.imports);
    }
  }
}

/** Distinct names in first-seen order, at most MAX_NAMES_PER_LIST. */
function distinct(names: Iterable<string>): string[] {
  const result = new Set<string>();
  for (const name of names) {
    if (result.size >= MAX_NAMES_PER_LIST) break;
    result.add(name);
  }
  return [...result];
}

function onRows(names: readonly RowName[], rows: ReadonlySet<number>): string[] {
  return names.filter((entry) => rows.has(entry.row)).map((entry) => entry.name);
}

/** The relations of a chunk made of `lines` of `draft` (the whole draft, or one piece of it). */
export function relationsOfLines(draft: Draft, lines: readonly DraftLine[]): ChunkRelations {
  const own = definingKinds.has(draft.kind) && draft.symbol !== undefined ? [draft.symbol] : [];
  const relations = draft.relations;
  if (relations === undefined) return { defines: distinct(own), calls: [], imports: [] };
  const rows = new Set<number>();
  for (const line of lines) if (!line.elided) rows.add(line.row);
  return {
    defines: distinct([...own, ...onRows(relations.defines, rows)]),
    calls: distinct(onRows(relations.calls, rows)),
    imports: distinct(onRows(relations.imports, rows)),
  };
}
