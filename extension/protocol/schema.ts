// A small language for describing the panel's messages, and one `validate` that reads a value against a
// description. A webview is untrusted input (and the page does not trust the host either), so every
// message is read into a fresh copy that holds only the described fields, each checked: a string's
// length, a number's range, a list's size, a union's members. The TypeScript type of what a schema reads is
// inferred from it (`Infer`), so the protocol's types are checked against the descriptions and cannot drift
// from them. No imports and no Node or browser globals: host and panel both run it.

/** What a schema reads a value into; the `read` that throws a `SchemaIssue` is internal to this file. */
export interface Schema<T> {
  /** What the schema accepts, in words, for error messages ("a string of at most 200 characters"). */
  readonly expected: string;
  /** Reads `value` into a fresh copy, or throws a `SchemaIssue` saying where and why it does not fit. */
  read(value: unknown, at: Path): T;
}

/** The TypeScript type a schema reads values into. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** Where a value sits in the message, for error messages: built only when something is wrong. */
export type Path = { parent: Path; key: string | number } | null;

/** Why a value does not fit a schema: where (`path`, e.g. `view.report.options[1].label`) and what was expected. */
export class SchemaIssue extends Error {
  readonly path: string;
  /** Where it was found, and whether the value was of another kind than expected (not a rule across fields broken). */
  readonly at: Path;
  readonly mismatch: boolean;
  constructor(at: Path, message: string, mismatch = false) {
    const path = pathText(at);
    super(path === '' ? message : `${path}: ${message}`);
    this.name = 'SchemaIssue';
    this.path = path;
    this.at = at;
    this.mismatch = mismatch;
  }
}

/** The issue of a value that is not what `expected` says. */
function mismatch(at: Path, expected: string, value: unknown): SchemaIssue {
  return new SchemaIssue(at, `expected ${expected}, got ${describeValue(value)}`, true);
}

/** The outcome of `validate`: the checked copy, or the first problem found, in words. */
export type Validation<T> = { ok: true; value: T } | { ok: false; error: string; path: string };

/** Reads `value` against `schema`: a copy with only the described fields, or why it does not fit. */
export function validate<T>(schema: Schema<T>, value: unknown): Validation<T> {
  try {
    return { ok: true, value: schema.read(value, null) };
  } catch (error) {
    if (error instanceof SchemaIssue) return { ok: false, error: error.message, path: error.path };
    throw error;
  }
}

/** `validate` for callers that only need the copy: undefined when the value does not fit. */
export function parseWith<T>(schema: Schema<T>, value: unknown): T | undefined {
  const outcome = validate(schema, value);
  return outcome.ok ? outcome.value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Leaves.

/** A string of at most `maxLength` characters (and at least one when `nonEmpty`). */
export function string(maxLength: number, options: { nonEmpty?: boolean } = {}): Schema<string> {
  const expected = `${options.nonEmpty ? 'a non-empty string' : 'a string'} of at most ${maxLength} characters`;
  return leaf(expected, (value): value is string => typeof value === 'string' && value.length <= maxLength && (!options.nonEmpty || value !== ''));
}

/** What a number must be: whole (`'safe'`: a safe integer), and its bounds (inclusive; `above`: exclusive). */
export interface NumberBounds {
  integer?: boolean | 'safe';
  min?: number;
  max?: number;
  above?: number;
}

/** A finite number within the bounds (never NaN or infinite). */
export function number(bounds: NumberBounds = {}): Schema<number> {
  const { integer, min, max, above } = bounds;
  const words = [integer ? 'a whole number' : 'a finite number'];
  if (above !== undefined) words.push(`above ${above}`);
  if (min !== undefined && max !== undefined) words.push(`from ${min} to ${max}`);
  else if (min !== undefined) words.push(`of at least ${min}`);
  else if (max !== undefined) words.push(`of at most ${max}`);
  return leaf(words.join(' '), (value): value is number => typeof value === 'number' && Number.isFinite(value)
    && (integer === 'safe' ? Number.isSafeInteger(value) : integer ? Number.isInteger(value) : true)
    && (min === undefined || value >= min) && (max === undefined || value <= max) && (above === undefined || value > above));
}

/** True or false. */
export const boolean: Schema<boolean> = leaf('true or false', (value): value is boolean => typeof value === 'boolean');

/** One of the given strings (or numbers). */
export function oneOf<const T extends readonly (string | number)[]>(values: T): Schema<T[number]> {
  return leaf(`one of ${values.map((value) => JSON.stringify(value)).join(', ')}`, (value): value is T[number] => values.includes(value as T[number]));
}

function leaf<T>(expected: string, test: (value: unknown) => value is T): Schema<T> {
  return {
    expected,
    read(value, at) {
      if (!test(value)) throw mismatch(at, expected, value);
      return value;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Combinations.

/** The inner schema's value, or null. */
export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  const expected = `${inner.expected}, or null`;
  return {
    expected,
    read(value, at) {
      if (value === null) return null;
      try {
        return inner.read(value, at);
      } catch (issue) {
        // A value of the wrong kind here (not deeper down): say that null would do too.
        if (issue instanceof SchemaIssue && issue.mismatch && issue.at === at) throw mismatch(at, expected, value);
        throw issue;
      }
    },
  };
}

/** A list of at most `max` (and at least `min`) values, each read by `item`; the copy is a new array. */
export function array<T>(item: Schema<T>, limits: { max: number; min?: number }): Schema<T[]> {
  const { max, min = 0 } = limits;
  const expected = `a list of ${min > 0 ? `${min} to ${max}` : `at most ${max}`} items`;
  return {
    expected,
    read(value, at) {
      if (!Array.isArray(value) || value.length > max || value.length < min) throw mismatch(at, expected, value);
      return value.map((entry, index) => item.read(entry, { parent: at, key: index }));
    },
  };
}

/** A field that may be absent or undefined (or null, with `orNull`): left out of the copy then (`key?: T`). */
export interface OptionalField<T> { readonly presence: 'optional'; readonly schema: Schema<T>; readonly orNull: boolean }
/** A field that may be absent, undefined or null, all read as undefined (`key: T | undefined`): core's JSON loses undefined fields. */
export interface MaybeField<T> { readonly presence: 'maybe'; readonly schema: Schema<T> }
/** A field that may be absent or undefined, read as `fallback` then (`key: T`): a field added after states were saved. */
export interface DefaultField<T> { readonly presence: 'default'; readonly schema: Schema<T>; readonly fallback: T }

type Field = Schema<unknown> | OptionalField<unknown> | MaybeField<unknown> | DefaultField<unknown>;
/** An object's fields: a schema each, or a field marker for the ones that may be missing. */
export type Fields = Record<string, Field>;

export function optional<T>(schema: Schema<T>, options: { orNull?: boolean } = {}): OptionalField<T> {
  return { presence: 'optional', schema, orNull: options.orNull ?? false };
}
export function maybe<T>(schema: Schema<T>): MaybeField<T> {
  return { presence: 'maybe', schema };
}
export function withDefault<T>(schema: Schema<T>, fallback: T): DefaultField<T> {
  return { presence: 'default', schema, fallback };
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<F> = { [K in keyof F]: F[K] extends OptionalField<unknown> ? K : never }[keyof F];
type FieldValue<F> = F extends OptionalField<infer T> ? T : F extends MaybeField<infer T> ? T | undefined : F extends DefaultField<infer T> ? T : F extends Schema<infer T> ? T : never;
/** The type of an object read by `object(fields)`. */
export type InferFields<F> = Simplify<{ [K in Exclude<keyof F, OptionalKeys<F>>]: FieldValue<F[K]> } & { [K in OptionalKeys<F>]?: FieldValue<F[K]> }>;

/** Options of `object`: `plain` asks for an object whose prototype is Object's or null (see `isPlainRecord`). */
export interface ObjectOptions {
  plain?: boolean;
}

/** An object with these fields; the copy holds only them (unknown fields, `__proto__` included, are left behind). */
export function object<F extends Fields>(fields: F, options: ObjectOptions = {}): Schema<InferFields<F>> {
  const expected = options.plain ? 'a plain object' : 'an object';
  return {
    expected,
    read(value, at) {
      return readFields(fields, record(value, options, expected, at), at) as InferFields<F>;
    },
  };
}

/** `value` as an object, or a `SchemaIssue` when it is none (or, with `plain`, not a plain one). */
function record(value: unknown, options: ObjectOptions, expected: string, at: Path): Record<string, unknown> {
  const fits = options.plain ? isPlainRecord(value) : isRecord(value);
  if (!fits) throw mismatch(at, expected, value);
  return value as Record<string, unknown>;
}

function readFields(fields: Fields, value: Record<string, unknown>, at: Path): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    const raw = value[key];
    const here = { parent: at, key };
    if (!('presence' in field)) {
      copy[key] = field.read(raw, here);
    } else if (field.presence === 'optional') {
      if (raw !== undefined && !(raw === null && field.orNull)) copy[key] = field.schema.read(raw, here);
    } else if (field.presence === 'maybe') {
      copy[key] = raw === undefined || raw === null ? undefined : field.schema.read(raw, here);
    } else {
      copy[key] = raw === undefined ? field.fallback : field.schema.read(raw, here);
    }
  }
  return copy;
}

type UnionOf<D extends string, V extends Record<string, Schema<object>>> = { [K in keyof V & string]: Simplify<{ [P in D]: K } & Infer<V[K]>> }[keyof V & string];

/**
 * Objects told apart by the string in field `tag` (e.g. messages by `type`): the object schema of each
 * variant, by tag. The copy holds the tag and what the variant's schema reads.
 */
export function union<D extends string, V extends Record<string, Schema<object>>>(tag: D, variants: V, options: ObjectOptions = {}): Schema<UnionOf<D, V>> {
  const tags = Object.keys(variants).map((name) => JSON.stringify(name)).join(', ');
  const expected = `${options.plain ? 'a plain object' : 'an object'} whose ${tag} is one of ${tags}`;
  return {
    expected,
    read(value, at) {
      const name = record(value, options, expected, at)[tag];
      if (typeof name !== 'string' || !Object.hasOwn(variants, name)) throw new SchemaIssue({ parent: at, key: tag }, `expected one of ${tags}, got ${typeof name === 'string' ? JSON.stringify(name.slice(0, 40)) : describeValue(name)}`);
      return { [tag]: name, ...variants[name]!.read(value, at) } as UnionOf<D, V>;
    },
  };
}

/** The inner schema's value, further checked by `test` (a rule across fields); `problem` says what is wrong. */
export function refine<T>(inner: Schema<T>, test: (value: T) => boolean, problem: string): Schema<T> {
  return {
    expected: inner.expected,
    read(value, at) {
      const read = inner.read(value, at);
      if (!test(read)) throw new SchemaIssue(at, problem);
      return read;
    },
  };
}

/** The inner schema's value, turned into another by `change` (a fallback, a clamp). */
export function map<T, U>(inner: Schema<T>, change: (value: T) => U): Schema<U> {
  return { expected: inner.expected, read: (value, at) => change(inner.read(value, at)) };
}

/** Read by `then` when `test` holds for the raw value, else by `otherwise` (a union without a tag). */
export function when<A, B>(test: (value: unknown) => boolean, then: Schema<A>, otherwise: Schema<B>): Schema<A | B> {
  return {
    expected: `${then.expected}, or ${otherwise.expected}`,
    read: (value, at) => (test(value) ? then.read(value, at) : otherwise.read(value, at)),
  };
}

/**
 * An object whose scalar entries (booleans, finite numbers, strings up to `maxLength`) are kept, the first
 * `maxEntries` of them; anything else (nested objects, a `__proto__` key) is left behind, never refused. Not
 * an object: an empty one.
 */
export function scalarRecord(maxEntries: number, maxLength: number): Schema<Record<string, unknown>> {
  return {
    expected: 'an object of scalars',
    read(value) {
      const copy: Record<string, unknown> = {};
      if (!isRecord(value)) return copy;
      for (const [key, entry] of Object.entries(value).slice(0, maxEntries)) {
        if (key === '__proto__') continue;
        if (typeof entry === 'boolean' || (typeof entry === 'number' && Number.isFinite(entry)) || (typeof entry === 'string' && entry.length <= maxLength)) copy[key] = entry;
      }
      return copy;
    },
  };
}

// ---------------------------------------------------------------------------------------------

/** An object that is not a list (its fields may come from a prototype). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A plain object, as postMessage delivers: its fields are its own. One with another prototype could
 * answer for fields it does not have (`Object.create({ type: 'open', ... })`), so messages from the panel must be plain.
 */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function pathText(at: Path): string {
  const keys: Array<string | number> = [];
  for (let node = at; node; node = node.parent) keys.unshift(node.key);
  return keys.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('');
}

/** A value in a few words, without echoing it (it may be huge, or hostile). */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'number') return Number.isFinite(value) ? `${value}` : String(value);
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** True when A and B are the same type (a compile-time check: `const _: Same<A, B> = true`). */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
