// Writes a converted model in the Hugging Face folder layout the embedding runtime loads:
// config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx, onnx/model_quantized.onnx,
// plus the project's manifest and the source's licence files.
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeModel, type Model } from '../onnx/graph.ts';
import { MANIFEST_FILE, type ModelManifest } from '../manifest.ts';

export interface ModelFolderContents {
  model: Model;
  quantizedModel: Model;
  manifest: ModelManifest;
  tokenizer: object;
  tokenizerConfig: object;
  config: object;
  licenseFiles: { name: string; from: string }[];
}

/** Stable JSON text: the same object always gives the same bytes. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Writes the folder next to its final place and renames it in, so an interrupted build never
 * leaves a half-written model that looks complete.
 */
export async function writeModelFolder(outputDirectory: string, contents: ModelFolderContents): Promise<void> {
  const staging = `${outputDirectory}.partial`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(path.join(staging, 'onnx'), { recursive: true });
  await writeFile(path.join(staging, 'onnx', 'model.onnx'), encodeModel(contents.model));
  await writeFile(path.join(staging, 'onnx', 'model_quantized.onnx'), encodeModel(contents.quantizedModel));
  await writeFile(path.join(staging, 'tokenizer.json'), jsonText(contents.tokenizer));
  await writeFile(path.join(staging, 'tokenizer_config.json'), jsonText(contents.tokenizerConfig));
  await writeFile(path.join(staging, 'config.json'), jsonText(contents.config));
  await writeFile(path.join(staging, MANIFEST_FILE), jsonText(contents.manifest));
  for (const license of contents.licenseFiles) await copyFile(license.from, path.join(staging, license.name));
  await rm(outputDirectory, { recursive: true, force: true });
  await rename(staging, outputDirectory);
}

/** What differs between the `tokenizer.json` files this project writes. */
export interface TokenizerPipeline {
  addedTokens?: object[];
  /** The steps of the normalizer sequence. */
  normalizers: object[];
  preTokenizer: object | null;
  decoder: object | null;
  model: object;
}

/**
 * A Hugging Face `tokenizer.json` object, keys in the order Hugging Face writes them (so a rebuilt file has the
 * same bytes): no truncation, padding or post-processor, a normalizer sequence.
 */
export function tokenizerJsonObject(pipeline: TokenizerPipeline): object {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: pipeline.addedTokens ?? [],
    normalizer: { type: 'Sequence', normalizers: pipeline.normalizers },
    pre_tokenizer: pipeline.preTokenizer,
    post_processor: null,
    decoder: pipeline.decoder,
    model: pipeline.model,
  };
}
