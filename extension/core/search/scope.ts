// Which part of a folder a search looks in: its source code, its documentation, or everything. A user asking
// "how are routes registered" of a repository may want the code that registers them and not the guide that
// explains it (or the reverse); the scope says so without naming languages one by one. Used by the panel's
// scope choice, the QuickPick's scope button and the CLI's --scope.

import { isSyntaxLanguage, proseFormat } from '../chunking/languages.ts';
import type { LanguageId } from '../chunking/types.ts';

/** `code`: files parsed by a grammar; `docs`: prose files (Markdown, reST, AsciiDoc, READMEs, `.txt`); `all`: every file, configuration included. */
export type SearchScope = 'all' | 'code' | 'docs';

export const SEARCH_SCOPES: readonly SearchScope[] = ['all', 'code', 'docs'];

/** Whether a chunk of this path and language belongs to the scope. */
export function inScope(scope: SearchScope, chunk: { path: string; language: string }): boolean {
  if (scope === 'all') return true;
  const language = chunk.language as LanguageId;
  if (scope === 'code') return isSyntaxLanguage(language);
  return proseFormat(chunk.path, language) !== undefined;
}
