// Turns texts into model inputs: the purpose's prefix, the tokenizer from `tokenizer.json`, the
// model's special tokens, and the cut to the model's window (reported, never silent).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { CoreError } from '../errors.ts';
import type { ModelManifest } from '../model/manifest.ts';

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

/**
 * A tokenizer bound to a model's manifest. It runs on whatever thread creates it; the embedding
 * worker uses one, and the chunker can use another to measure chunks against the window.
 */
export class ModelTokenizer {
  readonly settings: TokenizationSettings;
  private readonly tokenizer: Tokenizer;
  /** Special tokens the model expects before and after the text, e.g. [CLS] and [SEP]. */
  private readonly prefixIds: number[];
  private readonly suffixIds: number[];

  constructor(tokenizer: Tokenizer, settings: TokenizationSettings) {
    this.tokenizer = tokenizer;
    this.settings = { maxTokens: settings.maxTokens, queryPrefix: settings.queryPrefix, documentPrefix: settings.documentPrefix };
    [this.prefixIds, this.suffixIds] = specialTokenTemplate(tokenizer);
    if (this.prefixIds.length + this.suffixIds.length >= settings.maxTokens) {
      throw new CoreError('model', 'manifest-invalid', `maxTokens ${settings.maxTokens} leaves no room for text after the special tokens.`);
    }
  }

  /** Loads `tokenizer.json` and `tokenizer_config.json` from a model folder. */
  static load(modelDirectory: string, settings: TokenizationSettings): ModelTokenizer {
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
    const tokenizerJson = readJson('tokenizer.json', true);
    const tokenizerConfig = readJson('tokenizer_config.json', false);
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
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
    const content = this.tokenizer.encode(this.prefixed(text, purpose), { add_special_tokens: false }).ids;
    const room = this.settings.maxTokens - this.prefixIds.length - this.suffixIds.length;
    const fullLength = content.length + this.prefixIds.length + this.suffixIds.length;
    const kept = content.length > room ? content.slice(0, room) : content;
    return { ids: [...this.prefixIds, ...kept, ...this.suffixIds], fullLength, truncated: content.length > room };
  }

  /** Tokens a text takes as a document, special tokens and prefix included, without the cut. */
  countTokens(text: string): number {
    const content = this.tokenizer.encode(this.prefixed(text, 'document'), { add_special_tokens: false }).ids;
    return content.length + this.prefixIds.length + this.suffixIds.length;
  }
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
