// The embedding engine: loads a model folder into an onnxruntime session and turns texts into
// vectors. It runs on whichever thread creates it; the runtime puts it in a worker thread so the
// caller's thread never waits on inference.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { CoreError, isCoreError } from '../errors.ts';
import { loadManifest, type ModelManifest } from '../model/manifest.ts';
import { fingerprintModel, sameStamp, stampFile, type FileStamp } from '../model/fingerprint.ts';
import { ONNX_FILES } from '../model/onnx-files.ts';
import { conciseProviderError, providerLibraryExists, providerPlan, type ProviderAttempt } from './providers.ts';
import { readStaticTableFile, StaticTableEmbedder } from './static-table.ts';
import { ModelTokenizer, type EmbeddingPurpose, type EncodedText } from './tokenization.ts';
import type { RuntimeInfo, Truncation, WorkerConfiguration } from './embedding-worker-protocol.ts';


/** Graph inputs the engine knows how to fill. */
const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids', 'position_ids']);

/** Output names to try, in order, when the manifest was inferred and its guess is not in the graph. */
const OUTPUT_PREFERENCE: { name: string; pooling?: 'none' }[] = [
  { name: 'sentence_embedding', pooling: 'none' },
  { name: 'last_hidden_state' },
  { name: 'token_embeddings' },
];

/** Splits texts into batches of similar length so little padding is computed. */
export function planBatches(lengths: readonly number[], maxBatchSize: number, maxBatchTokens: number): number[][] {
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const index of order) {
    // Sorted ascending, so the new text is the longest and sets the padded length.
    const paddedTokens = (current.length + 1) * lengths[index]!;
    if (current.length > 0 && (current.length >= maxBatchSize || paddedTokens > maxBatchTokens)) {
      batches.push(current);
      current = [];
    }
    current.push(index);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface EmbedResult {
  /** Row-major: text i's vector is `vectors.subarray(i * dimensions, (i + 1) * dimensions)`. */
  vectors: Float32Array;
  truncations: Truncation[];
}

/** How many texts the static path embeds between two checks for cancellation. */
const STATIC_CANCEL_CHECK_TEXTS = 256;

export class EmbeddingEngine {
  readonly info: RuntimeInfo;
  readonly tokenizer: ModelTokenizer;
  /** What computes the vectors: an onnxruntime session, or the static table read from the same ONNX file. */
  private readonly backend: { session: ort.InferenceSession; inputTypes: Map<string, string> } | { table: StaticTableEmbedder };
  private readonly configuration: WorkerConfiguration;
  /** Scratch for the static path: the ids of the text being embedded, as many as the window holds. */
  private readonly staticIds: Int32Array;

  private constructor(
    info: RuntimeInfo,
    tokenizer: ModelTokenizer,
    backend: ort.InferenceSession | StaticTableEmbedder,
    configuration: WorkerConfiguration,
  ) {
    this.info = info;
    this.tokenizer = tokenizer;
    this.backend =
      backend instanceof StaticTableEmbedder
        ? { table: backend }
        : { session: backend, inputTypes: new Map(backend.inputMetadata.map((metadata) => [metadata.name, metadata.isTensor ? metadata.type : 'int64'])) };
    this.configuration = configuration;
    this.staticIds = new Int32Array(info.manifest.maxTokens);
  }

  /** Loads, checks and warms up a model. Throws a model `CoreError` whose message names the fix. */
  static async load(configuration: WorkerConfiguration, log: (message: string) => void = () => {}): Promise<EmbeddingEngine> {
    const started = performance.now();
    const { modelDirectory, quantization } = configuration;
    if (!existsSync(modelDirectory)) {
      throw new CoreError('model', 'model-missing', `The model folder ${modelDirectory} does not exist. Build the offline models with \`npm run models\`, download the model again, or pick another model in settings.`);
    }
    const loaded = loadManifest(modelDirectory, configuration.modelId);
    let manifest = loaded.manifest;
    const onnxFile = ONNX_FILES[quantization].find((candidate) => existsSync(path.join(modelDirectory, candidate)));
    if (!onnxFile) {
      const other = quantization === 'int8' ? 'fp32' : 'int8';
      const hasOther = ONNX_FILES[other].some((candidate) => existsSync(path.join(modelDirectory, candidate)));
      // The VSIX ships the bundled models as int8 only (.vscodeignore): say so rather than "download again".
      const fix = hasOther ? `It has ${other}: choose semanticSearch.model.quantization ${other}` : 'Download the model again';
      throw new CoreError('model', 'model-missing', `${modelDirectory} has no ${quantization} ONNX file (looked for ${ONNX_FILES[quantization].join(', ')}). ${fix}, or choose another model.`);
    }
    const useOnnxRuntime = configuration.backend === 'onnxruntime';
    const tokenizer = ModelTokenizer.load(modelDirectory, manifest, { direct: !useOnnxRuntime });
    const fingerprintFiles: Record<string, string> = {
      onnx: path.join(modelDirectory, onnxFile),
      'tokenizer.json': path.join(modelDirectory, 'tokenizer.json'),
    };
    const tokenizerConfig = path.join(modelDirectory, 'tokenizer_config.json');
    if (existsSync(tokenizerConfig)) fingerprintFiles['tokenizer_config.json'] = tokenizerConfig;

    // Stamped before onnxruntime reads the graph and compared after hashing: a file replaced in
    // between would give a session of one model under the fingerprint of another.
    const fileStamps = stampFiles(fingerprintFiles);
    const table = useOnnxRuntime ? undefined : staticTable(path.join(modelDirectory, onnxFile), tokenizer, manifest);
    if (table) return EmbeddingEngine.loadStatic(configuration, { manifest, tokenizer, table, onnxFile, fingerprintFiles, fileStamps, started });
    const { session, provider, attempts } = await createSession(path.join(modelDirectory, onnxFile), configuration, log);
    try {
      manifest = resolveOutput(manifest, session, loaded.origin === 'inferred');
      checkInputs(session);
      const { id: fingerprint, fileHashes } = await fingerprintModel({ manifest, quantization, files: fingerprintFiles });
      const changed = Object.values(fileStamps).find((stamp) => !sameStamp(stamp, stampFile(stamp.path)));
      if (changed) {
        throw new CoreError('model', 'model-changed', `${changed.path} changed while the model was being loaded. Wait until the copy or download has finished, then try again.`);
      }
      const gpuAllowed = configuration.device !== 'cpu';
      const info: RuntimeInfo = {
        modelDirectory: path.resolve(modelDirectory),
        manifest,
        fingerprint,
        fileHashes,
        fileStamps,
        quantization,
        onnxFile,
        provider,
        backend: 'onnxruntime',
        providerAttempts: attempts,
        cpuFallbackReason:
          gpuAllowed && provider === 'cpu'
            ? `no GPU provider worked: ${attempts.map((attempt) => `${attempt.provider}: ${attempt.error}`).join('; ') || 'none available'}`
            : undefined,
        threads: configuration.threads,
        loadMilliseconds: 0,
      };
      const engine = new EmbeddingEngine(info, tokenizer, session, configuration);
      // One real inference checks what metadata cannot (dimensions behind symbolic shapes, output rank)
      // and pays the first-run cost now rather than on the user's first search.
      await engine.embed(['hello world'], 'query');
      info.loadMilliseconds = performance.now() - started;
      return engine;
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /** The rest of `load` for a static table: no session, nothing on a GPU (a table lookup gains nothing there). */
  private static async loadStatic(
    configuration: WorkerConfiguration,
    loaded: { manifest: ModelManifest; tokenizer: ModelTokenizer; table: StaticTableEmbedder; onnxFile: string; fingerprintFiles: Record<string, string>; fileStamps: Record<string, FileStamp>; started: number },
  ): Promise<EmbeddingEngine> {
    const { manifest, fileStamps } = loaded;
    const { id: fingerprint, fileHashes } = await fingerprintModel({ manifest, quantization: configuration.quantization, files: loaded.fingerprintFiles });
    const changed = Object.values(fileStamps).find((stamp) => !sameStamp(stamp, stampFile(stamp.path)));
    if (changed) {
      throw new CoreError('model', 'model-changed', `${changed.path} changed while the model was being loaded. Wait until the copy or download has finished, then try again.`);
    }
    const info: RuntimeInfo = {
      modelDirectory: path.resolve(configuration.modelDirectory),
      manifest,
      fingerprint,
      fileHashes,
      fileStamps,
      quantization: configuration.quantization,
      onnxFile: loaded.onnxFile,
      provider: 'cpu',
      backend: 'static-table',
      providerAttempts: [],
      cpuFallbackReason:
        configuration.device !== 'cpu'
          ? `${manifest.id} is a static token table: each vector is a few additions per token, computed directly on the CPU, which a GPU would not make faster`
          : undefined,
      threads: 1,
      loadMilliseconds: 0,
    };
    const engine = new EmbeddingEngine(info, loaded.tokenizer, loaded.table, configuration);
    await engine.embed(['hello world'], 'query');
    info.loadMilliseconds = performance.now() - loaded.started;
    return engine;
  }

  /** Embeds texts; vectors come back in input order. `isCancelled` is checked between batches. */
  async embed(texts: readonly string[], purpose: EmbeddingPurpose, isCancelled: () => boolean = () => false): Promise<EmbedResult> {
    const { manifest } = this.info;
    const emptyInput = (error: unknown, index: number): unknown =>
      isCoreError(error, 'model') && error.reason === 'empty-input' ? new CoreError('model', 'empty-input', `Text ${index + 1} of ${texts.length} is empty; there is nothing to embed.`) : error;
    if ('table' in this.backend) return this.embedStatic(this.backend.table, texts, purpose, isCancelled, emptyInput);
    const encoded: EncodedText[] = texts.map((text, index) => {
      try {
        return this.tokenizer.encode(text, purpose);
      } catch (error) {
        throw emptyInput(error, index);
      }
    });
    const vectors = new Float32Array(texts.length * manifest.dimensions);
    const batches = planBatches(
      encoded.map((item) => item.ids.length),
      this.configuration.maxBatchSize,
      this.configuration.maxBatchTokens,
    );
    for (const batch of batches) {
      if (isCancelled()) throw new DOMException('The operation was aborted.', 'AbortError');
      const pooled = await this.runBatch(batch.map((index) => encoded[index]!.ids));
      batch.forEach((textIndex, row) => {
        vectors.set(pooled.subarray(row * manifest.dimensions, (row + 1) * manifest.dimensions), textIndex * manifest.dimensions);
      });
    }
    return { vectors, truncations: truncationsOf(encoded) };
  }

  /**
   * The static table's vectors: each text's ids go straight from the tokenizer into one reused buffer (no
   * array per text), then into its row of the one result buffer. Every text is checked for emptiness first,
   * so an empty one fails the request before any work, as `encode` does on the onnxruntime path.
   */
  private embedStatic(
    table: StaticTableEmbedder,
    texts: readonly string[],
    purpose: EmbeddingPurpose,
    isCancelled: () => boolean,
    emptyInput: (error: unknown, index: number) => unknown,
  ): EmbedResult {
    const D = this.info.manifest.dimensions;
    texts.forEach((text, index) => {
      if (text.trim().length === 0) throw emptyInput(new CoreError('model', 'empty-input', 'Cannot embed an empty text.'), index);
    });
    // The window: the direct tokenizer adds no special tokens, so all of it is the text's.
    const window = this.staticIds;
    const vectors = new Float32Array(texts.length * D);
    const truncations: Truncation[] = [];
    for (let index = 0; index < texts.length; index++) {
      if (index % STATIC_CANCEL_CHECK_TEXTS === 0 && isCancelled()) throw new DOMException('The operation was aborted.', 'AbortError');
      const tokens = this.tokenizer.encodeDirect(texts[index]!, purpose, window);
      const kept = Math.min(tokens, window.length);
      if (tokens > kept) truncations.push({ index, tokens, keptTokens: kept });
      table.embedInto(window, vectors.subarray(index * D, (index + 1) * D), kept);
    }
    return { vectors, truncations };
  }

  /** Runs one padded batch and returns its pooled (and, if asked, normalised) vectors, row-major. */
  private async runBatch(sequences: number[][]): Promise<Float32Array> {
    const { manifest } = this.info;
    if (!('session' in this.backend)) throw new Error('runBatch needs an onnxruntime session');
    const { session, inputTypes } = this.backend;
    const batchSize = sequences.length;
    const length = Math.max(...sequences.map((ids) => ids.length));
    const feeds: Record<string, ort.Tensor> = {};
    const mask = new Float32Array(batchSize * length);
    const fill = (name: string, valueAt: (row: number, position: number) => number) => {
      const type = inputTypes.get(name) === 'int32' ? 'int32' : 'int64';
      const data = type === 'int32' ? new Int32Array(batchSize * length) : new BigInt64Array(batchSize * length);
      for (let row = 0; row < batchSize; row++) {
        for (let position = 0; position < length; position++) {
          const value = valueAt(row, position);
          if (data instanceof BigInt64Array) data[row * length + position] = BigInt(value);
          else data[row * length + position] = value;
        }
      }
      feeds[name] = new ort.Tensor(type, data, [batchSize, length]);
    };
    sequences.forEach((ids, row) => mask.fill(1, row * length, row * length + ids.length));
    for (const name of session.inputNames) {
      if (name === 'input_ids') fill(name, (row, position) => sequences[row]![position] ?? 0);
      else if (name === 'attention_mask') fill(name, (row, position) => mask[row * length + position]!);
      else if (name === 'token_type_ids') fill(name, () => 0);
      else if (name === 'position_ids') fill(name, (_row, position) => position);
    }

    const results = await session.run(feeds);
    const output = results[manifest.output]!;
    try {
      return poolAndNormalize(output, mask, batchSize, length, manifest);
    } finally {
      for (const tensor of Object.values(results)) tensor.dispose();
    }
  }

  async dispose(): Promise<void> {
    if ('session' in this.backend) await this.backend.session.release();
  }
}

function truncationsOf(encoded: readonly EncodedText[]): Truncation[] {
  const truncations: Truncation[] = [];
  encoded.forEach((item, index) => {
    if (item.truncated) truncations.push({ index, tokens: item.fullLength, keptTokens: item.ids.length });
  });
  return truncations;
}

/**
 * The static-table embedder for a model file whose graph is exactly a static token table (see
 * static-table.ts) and whose tokenizer is this project's own, or undefined: then onnxruntime runs it.
 */
function staticTable(onnxPath: string, tokenizer: ModelTokenizer, manifest: ModelManifest): StaticTableEmbedder | undefined {
  if (!tokenizer.direct || manifest.pooling !== 'none' || !manifest.normalize || manifest.output !== 'sentence_embedding') return undefined;
  const table = readStaticTableFile(onnxPath);
  if (!table || table.dimensions !== manifest.dimensions || tokenizer.vocabularySize !== table.vocabularySize) return undefined;
  return new StaticTableEmbedder(table);
}

function poolAndNormalize(output: ort.Tensor, mask: Float32Array, batchSize: number, length: number, manifest: ModelManifest): Float32Array {
  const data = output.data as Float32Array;
  const dims = output.dims;
  const dimensions = dims[dims.length - 1]!;
  if (dimensions !== manifest.dimensions) {
    throw new CoreError('model', 'manifest-mismatch', `The manifest says ${manifest.dimensions} dimensions but the graph's output "${manifest.output}" has ${dimensions}. Correct "dimensions" in the manifest.`);
  }
  const expectedRank = manifest.pooling === 'none' ? 2 : 3;
  if (dims.length !== expectedRank) {
    throw new CoreError('model', 'manifest-mismatch', `Output "${manifest.output}" has shape [${dims.join(', ')}], but pooling "${manifest.pooling}" needs ${expectedRank === 2 ? 'one vector per input' : 'one vector per token'}. Correct "pooling" or "output" in the manifest.`);
  }
  const pooled = new Float32Array(batchSize * dimensions);
  for (let row = 0; row < batchSize; row++) {
    const target = pooled.subarray(row * dimensions, (row + 1) * dimensions);
    if (manifest.pooling === 'none') {
      target.set(data.subarray(row * dimensions, (row + 1) * dimensions));
    } else if (manifest.pooling === 'cls') {
      target.set(data.subarray(row * length * dimensions, row * length * dimensions + dimensions));
    } else {
      let count = 0;
      for (let position = 0; position < length; position++) {
        if (mask[row * length + position] === 0) continue;
        count += 1;
        const offset = (row * length + position) * dimensions;
        for (let dimension = 0; dimension < dimensions; dimension++) target[dimension]! += data[offset + dimension]!;
      }
      for (let dimension = 0; dimension < dimensions; dimension++) target[dimension]! /= Math.max(count, 1);
    }
    if (manifest.normalize) normalizeInPlace(target);
  }
  return pooled;
}

/** Scales a vector to unit length (a zero vector stays zero). */
export function normalizeInPlace(vector: Float32Array): void {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let index = 0; index < vector.length; index++) vector[index]! /= norm;
}

async function createSession(
  onnxPath: string,
  configuration: WorkerConfiguration,
  log: (message: string) => void,
): Promise<{ session: ort.InferenceSession; provider: string; attempts: ProviderAttempt[] }> {
  const supported = new Set(ort.listSupportedBackends().map((backend) => backend.name));
  const plan = providerPlan(configuration.device, process.platform, supported, (provider) => providerLibraryExists(provider), configuration.quantization);
  const attempts: ProviderAttempt[] = [...plan.skipped];
  for (const provider of plan.providers) {
    try {
      const session = await ort.InferenceSession.create(onnxPath, {
        executionProviders: [provider],
        intraOpNumThreads: configuration.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Errors only: onnxruntime's warnings (e.g. which nodes a GPU provider leaves to the CPU) are
        // not actionable for a user and would clutter every terminal and log.
        logSeverityLevel: 3,
      });
      if (provider === 'cpu' && configuration.device !== 'cpu') {
        log(`Embedding on the CPU: ${attempts.map((attempt) => `${attempt.provider}: ${attempt.error}`).join('; ') || 'no GPU provider available'}`);
      }
      return { session, provider, attempts };
    } catch (error) {
      const message = conciseProviderError((error as Error).message);
      if (provider === 'cpu') throw classifySessionError(onnxPath, message, error);
      attempts.push({ provider, error: message });
      log(`The ${provider} provider failed, trying the next one: ${message}`);
    }
  }
  throw new CoreError('model', 'runtime-failed', 'No execution provider could load the model.');
}

function stampFiles(files: Record<string, string>): Record<string, FileStamp> {
  const stamps: Record<string, FileStamp> = {};
  for (const [role, file] of Object.entries(files)) {
    const stamp = stampFile(file);
    if (!stamp) throw new CoreError('model', 'model-missing', `The model file ${file} does not exist. Download the model again, or build the offline models with \`npm run models\`.`);
    stamps[role] = stamp;
  }
  return stamps;
}

function classifySessionError(onnxPath: string, message: string, cause: unknown): CoreError<'model'> {
  // onnxruntime reports every load failure as a plain Error; a CPU session only fails to load on a
  // file that is not a valid graph, which is what the user needs to hear.
  return new CoreError('model', 
    'model-corrupt',
    `${onnxPath} could not be loaded by onnxruntime (${message}). The file is damaged or not an ONNX model: download or rebuild the model.`,
    { cause },
  );
}

function resolveOutput(manifest: ModelManifest, session: ort.InferenceSession, inferred: boolean): ModelManifest {
  const outputs = session.outputNames;
  if (outputs.includes(manifest.output)) return manifest;
  if (inferred) {
    for (const preference of OUTPUT_PREFERENCE) {
      if (outputs.includes(preference.name)) {
        return { ...manifest, output: preference.name, pooling: preference.pooling ?? manifest.pooling };
      }
    }
  }
  throw new CoreError('model', 'manifest-mismatch', `The manifest names output "${manifest.output}" but the graph's outputs are ${outputs.map((name) => `"${name}"`).join(', ')}. Correct "output" in the manifest.`);
}

function checkInputs(session: ort.InferenceSession): void {
  const unknown = session.inputNames.filter((name) => !KNOWN_INPUTS.has(name));
  if (unknown.length > 0 || !session.inputNames.includes('input_ids')) {
    throw new CoreError('model', 'manifest-mismatch', `The graph's inputs are ${session.inputNames.join(', ')}; the runtime fills input_ids, attention_mask, token_type_ids and position_ids. This model needs a custom export.`);
  }
}
