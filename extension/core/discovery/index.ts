// File discovery: which files of a workspace to index, and why the others are not. See README.md.

export { discoverFiles, FileDiscovery } from './walk.ts';
export { classifyFile, FileClassifier } from './classify.ts';
export { IgnoreRuleCache, isIgnoreFile, parseIgnoreFile } from './ignore-rules.ts';
// Every default (exclusions, size limit, binary and generated names, ignore files) is public.
export * from './defaults.ts';
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
