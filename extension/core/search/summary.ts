// What a result shows besides its name: one line that says what it is, and code without the lines that carry
// nothing. A piece of a split function can start with `(`, `...` or a decorator; shown as is, the result says
// nothing. The summary is the definition's doc line (the first sentence of its doc comment or docstring), else its
// signature, else the first line with words in it.
import type { StoredChunk } from '../store/index-store.ts';
import { carriesNothing, isFoldingMarker, isMarkupOnly, withoutHtmlComments, withoutImportsAndExports } from '../text/meaningful-lines.ts';

/** Longest summary kept: a doc comment's first paragraph can be long. */
const MAX_SUMMARY_LENGTH = 200;


/** A comment or docstring line without its markers: `/**`, ` * text`, `// text`, `# text`, `"""text` → the text. */
function withoutCommentMarkers(line: string): string {
  return line
    .replace(/^\s*(?:\/\*+!?|\*\/|\*|\/\/[/!]?|#+|[rRbBuU]?(?:"""|''')|--|;+)?\s*/, '')
    .replace(/\s*(?:\*\/|"""|''')\s*$/, '')
    .trim();
}

/** The first sentence of a comment or docstring's first paragraph, or undefined when it has no words. */
function firstSentence(lines: readonly string[]): string | undefined {
  const paragraph: string[] = [];
  for (const line of lines) {
    // `//#region Delete` above a doc comment names a fold in the editor, not the definition.
    if (isFoldingMarker(line)) continue;
    const text = withoutCommentMarkers(line);
    // JSDoc tags and reST fields end the summary paragraph.
    if (text === '' || /^[@:]\w/.test(text)) {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(text);
  }
  const joined = paragraph.join(' ');
  // A link on its own (`// https://spec.example/#interface`) names where the meaning is, not what it is.
  if (carriesNothing(joined) || /^<?[a-z][\w+.-]*:\/\/\S+$/i.test(joined)) return undefined;
  const sentence = /^.+?[.!?](?=\s|$)/.exec(joined)?.[0] ?? joined;
  return sentence.length > MAX_SUMMARY_LENGTH ? `${sentence.slice(0, MAX_SUMMARY_LENGTH - 1)}…` : sentence;
}

/** A Python docstring right after the signature, when the chunk holds it. */
function docstring(chunk: Pick<StoredChunk, 'text' | 'definition' | 'startLine'>): string | undefined {
  if (chunk.definition === undefined) return undefined;
  const lines = chunk.text.split('\n');
  const signatureIndex = chunk.definition.line - chunk.startLine;
  if (signatureIndex < 0 || signatureIndex >= lines.length) return undefined;
  // The signature may span lines (`def f(\n  a,\n) -> T:`): the docstring is the first statement after it.
  let opening = signatureIndex + 1;
  while (opening < lines.length && !/[:{]\s*$/.test(lines[opening - 1]!)) opening++;
  while (opening < lines.length && lines[opening]!.trim() === '') opening++;
  const quote = /^\s*[rRbBuU]?("""|\'\'\')/.exec(lines[opening] ?? '')?.[1];
  if (quote === undefined) return undefined;
  let closing = opening;
  // `"""One line."""` closes on its own line; otherwise the docstring runs to the line holding the closing quotes.
  if (!lines[opening]!.slice(lines[opening]!.indexOf(quote) + 3).includes(quote)) {
    while (closing + 1 < lines.length && !lines[closing]!.includes(quote, closing === opening ? lines[opening]!.indexOf(quote) + 3 : 0)) closing++;
  }
  return firstSentence(lines.slice(opening, closing + 1));
}

/** A definition's doc line: the first sentence of its doc comment or of its docstring; undefined when it has none. */
export function docLine(chunk: Pick<StoredChunk, 'text' | 'definition' | 'startLine' | 'docComment'>): string | undefined {
  return (chunk.docComment ? firstSentence(chunk.docComment.split('\n')) : undefined) ?? docstring(chunk);
}

/** A comment line of a licence header: `// Copyright 2017 The Authors.`, `# SPDX-License-Identifier: MIT`. */
function isLicenceLine(line: string): boolean {
  return /^\s*(?:\/\/|\/?\*|#|--|;)/.test(line) && /\b(?:copyright|licen[cs]e[ds]?|spdx|all rights reserved|governed by)\b/i.test(line);
}

/**
 * One line saying what a chunk is: its doc line (doc comment or docstring), else its signature, else the first
 * line of its text with words in it (a section's first sentence, a statement group's first statement).
 */
export function chunkSummary(chunk: Pick<StoredChunk, 'text' | 'definition' | 'startLine' | 'docComment' | 'signature' | 'kind'>): string {
  const documented = docLine(chunk);
  if (documented) return documented;
  if (chunk.kind !== 'section' && chunk.signature) return chunk.signature;
  const lines = chunk.kind === 'section' ? withoutHtmlComments(chunk.text.split('\n')) : chunk.text.split('\n');
  // A statements group's imports (and `'use strict'`) say what it uses; its first other statement says what it does.
  const statements = chunk.kind === 'section' ? lines : withoutImportsAndExports(chunk.text).split('\n');
  // A section's heading is its label already: its first sentence says more, and an anchor or image above it says
  // nothing. A file's licence header says nothing of what its first statements do.
  const saysWhatItIs = (line: string): boolean =>
    !carriesNothing(line) &&
    !isFoldingMarker(line) &&
    !(chunk.kind === 'section' && (/^\s{0,3}#{1,6}\s/.test(line) || isMarkupOnly(line))) &&
    !/^\s*@/.test(line) &&
    !isLicenceLine(line);
  // With nothing but imports, the first of them.
  const line = statements.find(saysWhatItIs) ?? lines.find(saysWhatItIs) ?? lines.find((line) => !carriesNothing(line)) ?? chunk.signature ?? '';
  // A quoted line or a list item of prose (`> Stability: 2 - Stable`, `- \`server/\` — the HTTP server`, `1. Install`)
  // is shown without its marks.
  const text = withoutCommentMarkers(chunk.kind === 'section' ? line.replace(/^\s*(?:>\s*)+/, '').replace(/^\s*(?:[-+]|\d{1,3}[.)])\s+/, '') : line);
  return text.length > MAX_SUMMARY_LENGTH ? `${text.slice(0, MAX_SUMMARY_LENGTH - 1)}…` : text;
}
