// Typed errors for the core. Callers branch on `reason`, never on message text; the message says
// what happened and what to do next, so it can be shown to a user as is.

/** Why a model could not be loaded or used. */
export type ModelErrorReason =
  | 'model-missing'
  | 'model-corrupt'
  | 'manifest-invalid'
  | 'manifest-mismatch'
  | 'tokenizer-invalid'
  | 'empty-input'
  | 'runtime-failed'
  | 'disposed';

/** A model, its files or its inputs are wrong. */
export class ModelError extends Error {
  readonly reason: ModelErrorReason;

  constructor(reason: ModelErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelError';
    this.reason = reason;
  }
}

export function isModelError(error: unknown): error is ModelError {
  return error instanceof Error && error.name === 'ModelError' && 'reason' in error;
}

/** The standard error for an aborted operation (what `AbortSignal.throwIfAborted` throws). */
export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('The operation was aborted.', 'AbortError');
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
