// What a vector space records about the model that made its vectors, typed. The store keeps a space's
// details as JSON (`VectorSpace.details`); the indexer writes them (`vectorSpaceFor`) and every reader
// goes through `spaceDetails`, which checks each field, since the JSON may come from an older version.
import type { ModelManifest } from './manifest.ts';
import type { Quantization } from './fingerprint.ts';

/** The details the indexer records with a space: the model's manifest, weights, file hashes and folder. */
export interface SpaceDetails {
  manifest?: ModelManifest;
  /** The model weights' quantization (not how the vectors are stored: that is the space's storage). */
  quantization?: Quantization;
  fileHashes?: Record<string, string>;
  /** Where the model files were when the space was built: what loads the model again to embed its queries. */
  modelDirectory?: string;
}

/** A space's details as written by `vectorSpaceFor`; a field of the wrong type reads as absent. */
export function spaceDetails(space: { details: Record<string, unknown> }): SpaceDetails {
  const { manifest, quantization, fileHashes, modelDirectory } = space.details;
  return {
    ...(manifest !== null && typeof manifest === 'object' ? { manifest: manifest as ModelManifest } : {}),
    ...(quantization === 'fp32' || quantization === 'int8' ? { quantization } : {}),
    ...(fileHashes !== null && typeof fileHashes === 'object' ? { fileHashes: fileHashes as Record<string, string> } : {}),
    ...(typeof modelDirectory === 'string' ? { modelDirectory } : {}),
  };
}
