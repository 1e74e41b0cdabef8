// Turns texts into model inputs: the purpose's prefix, the tokenizer from `tokenizer.json`, the
// model's special tokens, and the cut to the model's window (reported, never silent).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Tokenizer } from '@huggingface/tokenizers';
import { CoreError } from '../errors.ts';
import type { ModelManifest } from '../model/manifest.ts';
import { Vocabulary } from '../training/tokenizer.ts';
import { tokenizerJson } from '../training/tokenizer-json.ts';

/** Whether a text is a search query or an indexed document: models may prefix them differently. */
export type EmbeddingPurpose = 'query' | 'document';

/** The manifest fields that decide how a text is tokenized. */
export type TokenizationSettings = Pick<ModelManifest, 'maxTokens' | 'queryPrefix' | 'documentPrefix'>;

/** The token ids of one input, ready for the graph. */
export interface EncodedText {
  ids: number[];
  /** Tokens the full text would have had (special tokens included). */
  fullLength: number;
  /** True when the text was longer than the window and was cut to `ids.length` tokens. */
  truncated: boolean;
}

/** How a `ModelTokenizer` turns text into ids. */
export interface TokenizerLoadOptions {
  /**
   * Use this project's own TypeScript tokenizer (../training/tokenizer.ts) when `tokenizer.json` is exactly
   * the one its converter writes (default true): the same ids as `@huggingface/tokenizers` (tested on real
   * code), several times faster. False always runs `@huggingface/tokenizers`.
   */
  direct?: boolean;
}

/**
 * A tokenizer bound to a model's manifest. It runs on whatever thread creates it; the embedding
 * worker uses one, and the chunker can use another to measure chunks against the window.
 */
export class ModelTokenizer {
  readonly settings: TokenizationSettings;
  /** True when the ids come from this project's own tokenizer rather than `@huggingface/tokenizers` (see `TokenizerLoadOptions`). */
  readonly direct: boolean;
  /** Tokens of the direct tokenizer's vocabulary (undefined for `@huggingface/tokenizers`). */
  readonly vocabularySize: number | undefined;
  /** The ids of a text without special tokens. */
  private readonly contentIds: (text: string) => number[];
  /** The direct tokenizer's vocabulary, for `encodeDirect` and counting without an array of ids. */
  private readonly vocabulary: Vocabulary | undefined;
  /** Special tokens the model expects before and after the text, e.g. [CLS] and [SEP]. */
  private readonly prefixIds: number[];
  private readonly suffixIds: number[];

  constructor(tokenizer: Tokenizer | Vocabulary, settings: TokenizationSettings) {
    this.settings = { maxTokens: settings.maxTokens, queryPrefix: settings.queryPrefix, documentPrefix: settings.documentPrefix };
    if (tokenizer instanceof Vocabulary) {
      // Its tokenizer.json has no post-processor: no special tokens around the text.
      this.direct = true;
      this.vocabularySize = tokenizer.size;
      this.contentIds = (text) => tokenizer.encode(text);
      this.vocabulary = tokenizer;
      [this.prefixIds, this.suffixIds] = [[], []];
    } else {
      this.direct = false;
      this.vocabularySize = undefined;
      this.contentIds = (text) => tokenizer.encode(text, { add_special_tokens: false }).ids;
      this.vocabulary = undefined;
      [this.prefixIds, this.suffixIds] = specialTokenTemplate(tokenizer);
    }
    if (this.prefixIds.length + this.suffixIds.length >= settings.maxTokens) {
      throw new CoreError('model', 'manifest-invalid', `maxTokens ${settings.maxTokens} leaves no room for text after the special tokens.`);
    }
  }

  /** Loads `tokenizer.json` and `tokenizer_config.json` from a model folder. */
  static load(modelDirectory: string, settings: TokenizationSettings, options: TokenizerLoadOptions = {}): ModelTokenizer {
    const readJson = (name: string, required: boolean): object => {
      const file = path.join(modelDirectory, name);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if (!required) return {};
        throw new CoreError('model', 'model-missing', `The model folder has no ${name} (${file}). Download or rebuild the model.`, { cause: error });
      }
      try {
        return JSON.parse(text) as object;
      } catch (error) {
        throw new CoreError('model', 'model-corrupt', `${file} is not valid JSON. Download or rebuild the model.`, { cause: error });
      }
    };
    const json = readJson('tokenizer.json', true);
    const direct = options.direct === false ? undefined : directVocabulary(json);
    if (direct) return new ModelTokenizer(direct, settings);
    const tokenizerConfig = readJson('tokenizer_config.json', false);
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, tokenizerConfig);
    } catch (error) {
      throw new CoreError('model', 'tokenizer-invalid', `tokenizer.json in ${modelDirectory} could not be loaded: ${(error as Error).message}`, { cause: error });
    }
    return new ModelTokenizer(tokenizer, settings);
  }

  /** The text the model sees for a purpose: the manifest's prefix, then the text. */
  prefixed(text: string, purpose: EmbeddingPurpose): string {
    return (purpose === 'query' ? this.settings.queryPrefix : this.settings.documentPrefix) + text;
  }

  /** Encodes one text, cut to the window. Throws `empty-input` for a text with nothing in it. */
  encode(text: string, purpose: EmbeddingPurpose): EncodedText {
    if (text.trim().length === 0) throw new CoreError('model', 'empty-input', 'Cannot embed an empty text.');
    const content = this.contentIds(this.prefixed(text, purpose));
    const room = this.settings.maxTokens - this.prefixIds.length - this.suffixIds.length;
    const fullLength = content.length + this.prefixIds.length + this.suffixIds.length;
    const kept = content.length > room ? content.slice(0, room) : content;
    return { ids: [...this.prefixIds, ...kept, ...this.suffixIds], fullLength, truncated: content.length > room };
  }

  /**
   * `encode` for the direct tokenizer without arrays: writes the first `out.length` ids of the text (its
   * purpose's prefix included; it has no special tokens) into `out` and returns how many the whole text has.
   * With `out` as long as the window, the text is cut where `encode` cuts it. Throws `empty-input` as `encode` does.
   */
  encodeDirect(text: string, purpose: EmbeddingPurpose, out: Int32Array): number {
    if (!this.vocabulary) throw new Error('encodeDirect needs the direct tokenizer');
    if (text.trim().length === 0) throw new CoreError('model', 'empty-input', 'Cannot embed an empty text.');
    return this.vocabulary.encodeInto(this.prefixed(text, purpose), out);
  }

  /** Tokens a text takes as a document, special tokens and prefix included, without the cut. */
  countTokens(text: string): number {
    if (this.vocabulary) return this.vocabulary.countTokens(this.prefixed(text, 'document'));
    const content = this.contentIds(this.prefixed(text, 'document'));
    return content.length + this.prefixIds.length + this.suffixIds.length;
  }
}

/**
 * The vocabulary of a `tokenizer.json` that is exactly what `tokenizerJson` writes for it (this project's
 * static model), or undefined for any other tokenizer. Only then do the TypeScript tokenizer and
 * `@huggingface/tokenizers` run the same steps: a file edited by hand, or another model's, goes to the latter.
 */
export function directVocabulary(json: object): Vocabulary | undefined {
  const model = (json as { model?: { type?: unknown; vocab?: unknown } }).model;
  if (model?.type !== 'WordPiece' || typeof model.vocab !== 'object' || model.vocab === null) return undefined;
  const vocab = model.vocab as Record<string, unknown>;
  // Keys, then a look-up each: Object.entries made an array per token, three times as slow on 68,000 tokens
  // (the chunking thread loads this before its first file).
  const keys = Object.keys(vocab);
  const tokens = new Array<string>(keys.length);
  for (const token of keys) {
    const id = vocab[token];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= keys.length || tokens[id] !== undefined) return undefined;
    tokens[id] = token;
  }
  let vocabulary: Vocabulary;
  try {
    vocabulary = new Vocabulary(tokens);
  } catch {
    return undefined; // not [PAD], [UNK] first, or a token twice
  }
  return isDeepStrictEqual(json, tokenizerJson(vocabulary)) ? vocabulary : undefined;
}

/**
 * Finds the special tokens the tokenizer's post-processor wraps around a text, by encoding a probe
 * with and without them. Truncation then cuts the text, never those tokens.
 */
function specialTokenTemplate(tokenizer: Tokenizer): [number[], number[]] {
  const probe = 'hello world';
  const plain: number[] = tokenizer.encode(probe, { add_special_tokens: false }).ids;
  const wrapped: number[] = tokenizer.encode(probe, { add_special_tokens: true }).ids;
  for (let start = 0; start + plain.length <= wrapped.length; start++) {
    if (plain.every((id, offset) => wrapped[start + offset] === id)) {
      return [wrapped.slice(0, start), wrapped.slice(start + plain.length)];
    }
  }
  throw new CoreError('model', 'tokenizer-invalid', 'The tokenizer changes a text when adding special tokens; cannot tell where the text is.');
}
