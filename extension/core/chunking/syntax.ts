// Chunking along a syntax tree. Only the top level, class-like bodies and containers such as namespaces are
// visited; function bodies never are, and nesting is bounded (MAX_DEPTH), so a pathological file cannot blow the
// stack. The algorithm is described in README.md.

import type { Node } from 'web-tree-sitter';
import { dedent, indentation, isBlank, rowLines, type Draft, type DraftLine, type RowName } from './draft.ts';
import {
  attachmentTypes,
  commentTypes,
  namedChildrenOf,
  signatureEnd,
  bodyMembers,
  type DefinitionMatch,
  type LanguageRules,
} from './rule-types.ts';

/** Levels of classes/namespaces looked into; deeper definitions stay inside their parent's chunk. */
export const MAX_DEPTH = 24;

/** Signatures longer than this are cut (they are metadata; the code itself is never cut). */
const MAX_SIGNATURE_LENGTH = 400;

interface SyntaxChunkOptions {
  maxChunkLines: number;
  minChunkLines: number;
}

// A node at one level, after looking through transparent containers.
interface Item {
  type: 'statement' | 'definition' | 'glue';
  startRow: number;
  endRow: number;
  scope: string[];
  node: Node | undefined;
  match: DefinitionMatch | undefined;
  /** Comment or decorator: may attach to the definition below it. */
  attachable: boolean;
  isComment: boolean;
  /** Rows of attached comments, for the doc comment. */
  docRows: [number, number][];
  /** Functions at this level are methods. */
  methodContext: boolean;
  /** Glue: rows of a container's header (attach forward) or closing (attach backward). */
  direction: 'forward' | 'backward';
}

// A chunk-to-be at one level: a definition or a group of statements.
interface Unit {
  startRow: number;
  endRow: number;
  scope: string[];
  definition: Item | undefined;
  /** What the unit holds: its statements and small definitions (the names they declare are its `defines`). */
  items: Item[];
}

function lastRow(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

function scopeKey(scope: readonly string[]): string {
  return scope.join('\u0000');
}

class SyntaxChunker {
  readonly #rules: LanguageRules;
  readonly #text: string;
  readonly #lines: readonly string[];
  readonly #options: SyntaxChunkOptions;
  readonly #lineStarts: number[];
  readonly drafts: Draft[] = [];

  constructor(rules: LanguageRules, text: string, lines: readonly string[], options: SyntaxChunkOptions) {
    this.#rules = rules;
    this.#text = text;
    this.#lines = lines;
    this.#options = options;
    this.#lineStarts = lineStartsOf(lines);
  }

  run(root: Node): void {
    const items = this.#flatten(namedChildrenOf(root), [], 0, false, false);
    this.#attachComments(items);
    for (const unit of this.#group(items)) this.#emit(unit, 0);
  }

  #rowsHaveText(start: number, end: number): boolean {
    for (let row = start; row <= end; row++) if (!isBlank(this.#lines[row] ?? '')) return true;
    return false;
  }

  /** Items of one level; transparent containers are replaced by their members and glue for their own lines. */
  #flatten(members: Node[], scope: string[], depth: number, inClass: boolean, methodContext: boolean): Item[] {
    const items: Item[] = [];
    let levelScope = scope;
    const make = (type: Item['type'], node: Node | undefined, startRow: number, endRow: number): Item => ({
      type,
      startRow,
      endRow,
      scope: levelScope,
      node,
      match: undefined,
      attachable: false,
      isComment: false,
      docRows: [],
      methodContext,
      direction: 'forward',
    });
    for (const node of members) {
      const startRow = node.startPosition.row;
      const endRow = lastRow(node);
      const previous = items.at(-1);
      if (commentTypes.has(node.type) && previous !== undefined && previous.endRow >= startRow) {
        previous.endRow = Math.max(previous.endRow, endRow); // a trailing comment: `}  // namespace app`
        continue;
      }
      if (commentTypes.has(node.type) || attachmentTypes.has(node.type)) {
        const item = make('statement', node, startRow, endRow);
        item.attachable = true;
        item.isComment = commentTypes.has(node.type);
        items.push(item);
        continue;
      }
      const match = depth < MAX_DEPTH ? this.#classify(node, inClass) : undefined;
      if (match?.type === 'definition') {
        const item = make('definition', node, startRow, endRow);
        item.match = match;
        items.push(item);
      } else if (match?.type === 'transparent' && match.members.length > 0) {
        const innerScope = match.scopeName === undefined ? levelScope : [...levelScope, match.scopeName];
        const inner = this.#flatten(match.members, innerScope, depth + 1, inClass, methodContext || match.membersAreMethods);
        if (inner.length === 0) {
          items.push(make('statement', node, startRow, endRow));
          continue;
        }
        let innerStart = Number.POSITIVE_INFINITY;
        let innerEnd = -1;
        for (const member of inner) {
          innerStart = Math.min(innerStart, member.startRow);
          innerEnd = Math.max(innerEnd, member.endRow);
        }
        // Comments and attributes right above the container (`#[cfg(test)]` over `mod tests`) open it too.
        let headerStart = startRow;
        while (items.length > 0) {
          const previous = items.at(-1)!;
          const beforePrevious = items.at(-2);
          if (!previous.attachable || previous.endRow !== headerStart - 1) break;
          if (beforePrevious !== undefined && beforePrevious.endRow >= previous.startRow) break;
          headerStart = previous.startRow;
          items.pop();
        }
        if (innerStart > headerStart && this.#rowsHaveText(headerStart, innerStart - 1)) {
          const glue = make('glue', node, headerStart, innerStart - 1);
          glue.scope = innerScope;
          items.push(glue);
        }
        items.push(...inner);
        if (innerEnd < endRow && this.#rowsHaveText(innerEnd + 1, endRow)) {
          const glue = make('glue', node, innerEnd + 1, endRow);
          glue.scope = innerScope;
          glue.direction = 'backward';
          items.push(glue);
        }
      } else {
        items.push(make('statement', node, startRow, endRow));
        if (match?.type === 'scope') levelScope = [...scope, match.name];
      }
    }
    return items;
  }

  #classify(node: Node, inClass: boolean): ReturnType<LanguageRules['classify']> {
    // Whatever tree-sitter recognised inside an ERROR node is chunked as if the error were not there.
    if (node.type === 'ERROR') {
      return { type: 'transparent', scopeName: undefined, members: namedChildrenOf(node), membersAreMethods: false };
    }
    return this.#rules.classify(node, inClass);
  }

  /**
   * Comments and decorators directly above a definition (no blank line between, each on its own lines) become
   * part of it; the comments are its doc comment.
   */
  #attachComments(items: Item[]): void {
    for (let index = items.length - 1; index >= 0; index--) {
      const target = items[index]!;
      if (target.type !== 'definition') continue;
      let first = index;
      while (first > 0) {
        const candidate = items[first - 1]!;
        const next = items[first]!;
        if (!candidate.attachable || candidate.endRow > next.startRow || candidate.endRow < next.startRow - 1) break;
        if (scopeKey(candidate.scope) !== scopeKey(target.scope)) break;
        const before = items[first - 2];
        // A comment starting where the item above ends trails that item.
        if (before !== undefined && before.type !== 'glue' && before.endRow >= candidate.startRow) break;
        first--;
      }
      if (first === index) continue;
      const attached = items.splice(first, index - first);
      target.startRow = attached[0]!.startRow;
      target.docRows = attached.filter((item) => item.isComment).map((item) => [item.startRow, item.endRow]);
      index = first;
    }
  }

  #ownRows(item: Item): number {
    return item.node === undefined ? 0 : lastRow(item.node) - item.node.startPosition.row + 1;
  }

  /**
   * Groups statements (and definitions too small to stand alone) and attaches glue: a container's header lines to
   * what follows them, its closing lines to what precedes them.
   */
  #group(items: Item[]): Unit[] {
    const units: Unit[] = [];
    let group: { unit: Unit; members: Item[] } | undefined;
    let forwardGlue: number | undefined; // first row of header lines waiting for the next unit
    let forwardGlueEnd = -1;
    const flush = (): void => {
      if (group === undefined) return;
      const only = group.members.length === 1 ? group.members[0]! : undefined;
      if (only?.type === 'definition') group.unit.definition = only;
      group.unit.items = group.members;
      units.push(group.unit);
      group = undefined;
    };
    for (const item of items) {
      if (item.type === 'glue') {
        if (item.direction === 'backward' && group !== undefined) group.unit.endRow = Math.max(group.unit.endRow, item.endRow);
        else if (item.direction === 'backward' && units.length > 0) units.at(-1)!.endRow = Math.max(units.at(-1)!.endRow, item.endRow);
        else {
          forwardGlue = Math.min(forwardGlue ?? item.startRow, item.startRow);
          forwardGlueEnd = Math.max(forwardGlueEnd, item.endRow);
        }
        continue;
      }
      const small = item.type === 'definition' && this.#ownRows(item) < this.#options.minChunkLines;
      if (item.type === 'definition' && !small) {
        flush();
        const startRow = Math.min(item.startRow, forwardGlue ?? item.startRow);
        units.push({ startRow, endRow: item.endRow, scope: item.scope, definition: item, items: [item] });
        forwardGlue = undefined;
        continue;
      }
      if (
        group !== undefined &&
        (scopeKey(group.unit.scope) !== scopeKey(item.scope) ||
          Math.max(group.unit.endRow, item.endRow) - group.unit.startRow + 1 > this.#options.maxChunkLines)
      ) {
        flush();
      }
      if (group === undefined) {
        const startRow = Math.min(item.startRow, forwardGlue ?? item.startRow);
        group = { unit: { startRow, endRow: item.endRow, scope: item.scope, definition: undefined, items: [] }, members: [] };
      }
      forwardGlue = undefined;
      group.unit.endRow = Math.max(group.unit.endRow, item.endRow);
      group.members.push(item);
    }
    flush();
    if (forwardGlue !== undefined) {
      // Header lines with nothing after them (a container whose members all sit on its first line).
      const last = units.at(-1);
      if (last !== undefined) last.endRow = Math.max(last.endRow, forwardGlueEnd);
      else units.push({ startRow: forwardGlue, endRow: forwardGlueEnd, scope: [], definition: undefined, items: [] });
    }
    return units;
  }

  #emit(unit: Unit, depth: number): void {
    const item = unit.definition;
    if (item === undefined) {
      const lines = rowLines(this.#lines, unit.startRow, unit.endRow);
      this.drafts.push(this.#draft('statements', undefined, unit.scope, undefined, undefined, lines, this.#declared(unit.items)));
      return;
    }
    const match = item.match!;
    const isMethod = item.methodContext || match.ownerScope.length > 0;
    const kind = match.kind === 'function' ? (isMethod ? 'method' : 'function') : match.kind;
    const scope = [...unit.scope, ...match.ownerScope];
    const signature = match.signature ?? this.#signature(item.node!, match);
    const docComment = this.#docComment(item.docRows);
    const definitionRow = rowOfIndex(this.#lineStarts, signatureStart(item.node!));
    if (!match.container || match.body === undefined || depth + 1 >= MAX_DEPTH) {
      const lines = rowLines(this.#lines, unit.startRow, unit.endRow);
      this.drafts.push({ ...this.#draft(kind, match.name, scope, signature, docComment, lines, []), definition: { row: definitionRow } });
      return;
    }
    const memberScope = match.name === undefined ? scope : [...scope, match.name];
    const members = this.#flatten(bodyMembers(match.body), memberScope, depth + 1, true, true);
    this.#attachComments(members);
    const extracted = members.filter(
      (member) => member.type === 'definition' && this.#ownRows(member) >= this.#options.minChunkLines,
    );
    // The class declares what stays in its chunk: small methods, class-level constants.
    const declared = this.#declared(members.filter((member) => !extracted.includes(member)));
    const draft = this.#draft(kind, match.name, scope, signature, docComment, this.#skeleton(unit, extracted), declared);
    this.drafts.push({ ...draft, definition: { row: definitionRow, headEndRow: extracted.length > 0 ? this.#headEnd(definitionRow, extracted[0]!) : undefined } });
    for (const member of extracted) {
      this.#emit({ startRow: member.startRow, endRow: member.endRow, scope: member.scope, definition: member, items: [member] }, depth + 1);
    }
  }

  /** The last row of an outline's head: the last non-blank row before its first extracted member (at least its signature row). */
  #headEnd(definitionRow: number, firstExtracted: Item): number {
    let row = firstExtracted.startRow - 1;
    while (row > definitionRow && isBlank(this.#lines[row] ?? '')) row--;
    return Math.max(row, definitionRow);
  }

  /** A class's lines with each extracted member reduced to its signature lines, `...` and its closing line. */
  #skeleton(unit: Unit, extracted: Item[]): DraftLine[] {
    const lines: DraftLine[] = [];
    let row = unit.startRow;
    for (const member of extracted) {
      if (member.startRow < row) continue; // shares rows with the previous member: its text is in that chunk
      lines.push(...rowLines(this.#lines, row, member.startRow - 1));
      lines.push(...this.#stub(member));
      row = member.endRow + 1;
    }
    lines.push(...rowLines(this.#lines, row, unit.endRow));
    return lines;
  }

  #stub(member: Item): DraftLine[] {
    const node = member.node!;
    const match = member.match!;
    const start = signatureStart(node);
    const headerEnd = match.body === undefined ? start : signatureEnd(match.body);
    const firstRow = rowOfIndex(this.#lineStarts, start);
    let headerRow = Math.max(firstRow, rowOfIndex(this.#lineStarts, Math.max(headerEnd - 1, start)));
    const bodyRow = match.body?.node.startPosition.row;
    if (bodyRow !== undefined && bodyRow === headerRow + 1 && /^\s*\{\s*$/.test(this.#lines[bodyRow] ?? '')) headerRow = bodyRow;
    headerRow = Math.min(headerRow, member.endRow);
    const lines = rowLines(this.#lines, firstRow, headerRow);
    if (headerRow < member.endRow) {
      let indent: string | undefined;
      for (let row = headerRow + 1; row <= member.endRow && indent === undefined; row++) {
        const line = this.#lines[row] ?? '';
        if (!isBlank(line)) indent = indentation(line);
      }
      const closing = this.#lines[member.endRow] ?? '';
      const hasClosing = member.endRow > headerRow && /^\s*(?:[}\])]+[;,]?|end)\s*$/.test(closing);
      if (hasClosing && indent === indentation(closing)) indent = `${indent}    `;
      lines.push({ row: member.endRow, text: `${indent ?? indentation(this.#lines[firstRow] ?? '') + '    '}...`, elided: true });
      if (hasClosing) lines.push({ row: member.endRow, text: closing, elided: false });
    }
    return lines;
  }

  #signature(node: Node, match: DefinitionMatch): string | undefined {
    const start = signatureStart(node);
    let end = match.body === undefined ? -1 : signatureEnd(match.body);
    if (end <= start) {
      const lineEnd = this.#text.indexOf('\n', start);
      end = Math.min(lineEnd < 0 ? this.#text.length : lineEnd, node.endIndex);
      const brace = this.#text.slice(start, end).indexOf('{');
      if (brace >= 0) end = start + brace;
    }
    return oneLine(this.#text.slice(start, end));
  }

  #docComment(rows: [number, number][]): string | undefined {
    if (rows.length === 0) return undefined;
    const lines: string[] = [];
    for (const [start, end] of rows) for (let row = start; row <= end; row++) lines.push(this.#lines[row] ?? '');
    return dedent(lines).join('\n');
  }

  /** Names declared by the items of a unit: small definitions, and what statements declare (constants, variables). */
  #declared(items: readonly Item[]): RowName[] {
    const names: RowName[] = [];
    for (const item of items) {
      if (item.node === undefined) continue;
      if (item.type === 'definition') {
        if (item.match?.name !== undefined) names.push({ row: item.node.startPosition.row, name: item.match.name });
      } else if (item.type === 'statement' && !item.attachable) {
        for (const name of this.#rules.relations.declaredNames(item.node)) names.push({ row: name.startPosition.row, name: name.text });
      }
    }
    return names;
  }

  #draft(
    kind: Draft['kind'],
    symbol: string | undefined,
    scope: string[],
    signature: string | undefined,
    docComment: string | undefined,
    lines: DraftLine[],
    defines: RowName[],
  ): Draft {
    // Calls and imports are added by row once the whole file's drafts are known (relations.ts).
    return { kind, symbol, scope, signature, docComment, lines, relations: { defines, calls: [], imports: [] } };
  }
}

// Decorators, attributes, annotations and comments come before a declaration but are not part of its signature.
const signatureSkipTypes: ReadonlySet<string> = new Set([
  ...attachmentTypes,
  ...commentTypes,
  'attribute',
]);

/** Start of a declaration's signature: its first token that is not a decorator, attribute or comment. */
export function signatureStart(node: Node): number {
  let current = node;
  for (let depth = 0; depth < 8; depth++) {
    let child = current.firstChild;
    while (child !== null && signatureSkipTypes.has(child.type)) child = child.nextSibling;
    if (child === null) return current.startIndex;
    const first = child.firstChild;
    // Descend when the child opens with annotations, e.g. Java `modifiers` holding `@Override`.
    if (first === null || !signatureSkipTypes.has(first.type)) return child.startIndex;
    current = child;
  }
  return current.startIndex;
}

/** 0-based row of a text index, by binary search over the offsets where lines start. */
function rowOfIndex(lineStarts: readonly number[], index: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle]! <= index) low = middle;
    else high = middle - 1;
  }
  return low;
}

function lineStartsOf(lines: readonly string[]): number[] {
  const starts: number[] = new Array<number>(lines.length);
  let offset = 0;
  for (let row = 0; row < lines.length; row++) {
    starts[row] = offset;
    offset += lines[row]!.length + 1;
  }
  return starts;
}

/** A multi-line header on one line: trimmed lines joined by a space, none after `(`/`[` or before `)`/`]`. */
function oneLine(header: string): string | undefined {
  let result = '';
  for (const raw of header.split('\n')) {
    const line = raw.trim();
    if (line.length === 0) continue;
    if (/^[)\]]/.test(line)) result = result.replace(/,$/, '') + line; // `detail: string,\n)` → `detail: string)`
    else if (result.length === 0 || /[([]$/.test(result)) result += line;
    else result += ` ${line}`;
  }
  if (result.length === 0) return undefined;
  return result.length > MAX_SIGNATURE_LENGTH ? `${result.slice(0, MAX_SIGNATURE_LENGTH)}…` : result;
}

/** Drafts of a parsed file. */
export function syntaxDrafts(
  root: Node,
  rules: LanguageRules,
  text: string,
  lines: readonly string[],
  options: SyntaxChunkOptions,
): Draft[] {
  const chunker = new SyntaxChunker(rules, text, lines, options);
  chunker.run(root);
  return chunker.drafts;
}
