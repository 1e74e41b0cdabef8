// Syntax-aware chunking: the public surface of this folder. Importing it loads nothing heavy; the tree-sitter
// runtime and grammars load on a chunker's first file.

export { CHUNKER_VERSION, createChunker, RELATIONS_VERSION } from './chunker.ts';
export { embeddingText, type EmbeddingTextInput } from './embedding-text.ts';
export type { ChunkingErrorReason } from '../errors.ts';
export { languageForFile, languageForPath, wasmFiles, type WasmFile } from './languages.ts';
export type {
  Chunk,
  ChunkKind,
  ChunkPart,
  ChunkRelations,
  Chunker,
  ChunkerLogger,
  ChunkerOptions,
  LanguageId,
  SyntaxLanguageId,
} from './types.ts';
