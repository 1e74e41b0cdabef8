// File discovery: which files of a workspace to index, and why the others are not. See README.md.

export { discoverFiles, FileDiscovery } from './walk.ts';
export { classifyFile, FileClassifier } from './classify.ts';
export { IgnoreRuleCache, isIgnoreFile, parseIgnoreFile } from './ignore-rules.ts';
export {
  BINARY_EXTENSIONS,
  DEFAULT_EXCLUDES,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_SECRET_EXCLUDES,
  GENERATED_FILE_NAMES,
  GENERATED_FILE_SUFFIXES,
  GIT_IGNORE_FILE,
  MINIFIED_CHECK_EXTENSIONS,
  SEMANTIC_SEARCH_IGNORE_FILE,
} from './defaults.ts';
export {
  BINARY_CHECK_BYTES,
  decodeSample,
  generatedMarker,
  looksBinary,
  looksMinified,
  MINIFIED_MAX_AVERAGE_LINE,
  MINIFIED_MAX_LINE,
  MINIFIED_MIN_SAMPLE,
  SAMPLE_BYTES,
  textEncoding,
} from './content.ts';
export { NODE_WHOLE_FILE_ACCESS, READ_ATTEMPTS, readFileConsistently, withReadSkips } from './read-file.ts';
export type { ConsistentRead, ReadSkip, WholeFileAccess } from './read-file.ts';
export { SKIP_REASONS } from './types.ts';
export type {
  Classification,
  DiscoveredFile,
  DiscoveryOptions,
  DiscoverySummary,
  SkippedEntry,
  SkipReason,
  WalkTarget,
} from './types.ts';
