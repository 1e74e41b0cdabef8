// Typed errors of the chunker. Callers branch on `reason`, never on message text.

/** Why chunking could not proceed. */
export type ChunkingErrorReason = 'invalid-options' | 'window-too-small' | 'disposed';

/** The chunker was misconfigured or used after dispose; the message names the fix. */
export class ChunkingError extends Error {
  readonly reason: ChunkingErrorReason;

  constructor(reason: ChunkingErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChunkingError';
    this.reason = reason;
  }
}

/** Whether `error` is a ChunkingError. */
export function isChunkingError(error: unknown): error is ChunkingError {
  return error instanceof Error && error.name === 'ChunkingError' && 'reason' in error;
}
