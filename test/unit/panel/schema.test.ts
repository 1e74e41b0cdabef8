import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { panelSchemas } from '../../../extension/protocol/panel-protocol.ts';
import {
  array, boolean, map, maybe, nullable, number, object, oneOf, optional, refine, scalarRecord, string, union, validate, when, withDefault,
} from '../../../extension/protocol/schema.ts';
import type { Schema } from '../../../extension/protocol/schema.ts';

/** The error of a value the schema refuses (fails the test when it is accepted). */
function refusal(schema: Schema<unknown>, value: unknown): string {
  const outcome = validate(schema, value);
  assert.equal(outcome.ok, false, `accepted ${JSON.stringify(value)}`);
  return outcome.ok ? '' : outcome.error;
}

function accepted<T>(schema: Schema<T>, value: unknown): T {
  const outcome = validate(schema, value);
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.error);
  return outcome.value;
}

describe('schema leaves', () => {
  it('string: a string up to its length, non-empty when asked', () => {
    assert.equal(accepted(string(3), 'abc'), 'abc');
    assert.equal(accepted(string(3), ''), '');
    assert.equal(refusal(string(3), 'abcd'), 'expected a string of at most 3 characters, got a string of 4 characters');
    assert.equal(refusal(string(3), 3), 'expected a string of at most 3 characters, got 3');
    assert.equal(refusal(string(3, { nonEmpty: true }), ''), 'expected a non-empty string of at most 3 characters, got a string of 0 characters');
  });

  it('number: finite, whole or safe when asked, within inclusive bounds or above an exclusive one', () => {
    assert.equal(accepted(number(), -0.5), -0.5);
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1', null, undefined]) refusal(number(), value);
    const line = number({ integer: true, min: 1, max: 10 });
    assert.equal(accepted(line, 10), 10);
    assert.equal(refusal(line, 0), 'expected a whole number from 1 to 10, got 0');
    assert.equal(refusal(line, 1.5), 'expected a whole number from 1 to 10, got 1.5');
    refusal(number({ integer: 'safe', min: 0 }), 2 ** 60);
    assert.equal(accepted(number({ integer: true, min: 0 }), 2 ** 60), 2 ** 60, 'whole is not the same as safe');
    assert.equal(refusal(number({ above: 0 }), 0), 'expected a finite number above 0, got 0');
    assert.equal(refusal(number({ min: 0, max: 1 }), Number.NaN), 'expected a finite number from 0 to 1, got NaN');
  });

  it('boolean and oneOf accept exactly their values', () => {
    assert.equal(accepted(boolean, false), false);
    assert.equal(refusal(boolean, 'true'), 'expected true or false, got a string of 4 characters');
    assert.equal(accepted(oneOf(['a', 'b']), 'b'), 'b');
    assert.equal(refusal(oneOf(['a', 'b']), 'A'), 'expected one of "a", "b", got a string of 1 characters');
    assert.equal(accepted(oneOf([1]), 1), 1);
    refusal(oneOf([1]), '1');
  });
});

describe('schema combinations', () => {
  const point = object({ x: number(), y: number() });

  it('object: copies only the described fields, never its own __proto__ key, and names the path of a wrong field', () => {
    const source = JSON.parse('{"x":1,"y":2,"z":3,"__proto__":{"polluted":true}}') as object;
    const copy = accepted(point, source);
    assert.deepEqual(copy, { x: 1, y: 2 });
    assert.notEqual(copy, source);
    assert.equal((copy as Record<string, unknown>).polluted, undefined);
    assert.equal(refusal(object({ at: point }), { at: { x: 1 } }), 'at.y: expected a finite number, got nothing');
    for (const value of [null, [], 'x', 1]) refusal(point, value);
  });

  it('object with plain: refuses fields that come from a prototype, accepts a null-prototype object', () => {
    const plain = object({ x: number() }, { plain: true });
    assert.equal(refusal(plain, Object.create({ x: 1 })), 'expected a plain object, got an object');
    assert.deepEqual(accepted(plain, Object.assign(Object.create(null) as object, { x: 1 })), { x: 1 });
    assert.deepEqual(accepted(object({ x: number() }), Object.create({ x: 1 })), { x: 1 }, 'without plain, inherited fields are read');
  });

  it('optional, maybe and withDefault: what an absent, undefined or null field becomes', () => {
    const schema = object({ a: optional(number()), b: maybe(number()), c: withDefault(boolean, false), d: optional(number(), { orNull: true }) });
    const empty = accepted(schema, {});
    assert.deepEqual(Object.keys(empty), ['b', 'c'], 'an optional field is left out; a maybe field is there, undefined');
    assert.deepEqual(empty, { b: undefined, c: false });
    assert.deepEqual(accepted(schema, { a: 1, b: 2, c: true, d: 4 }), { a: 1, b: 2, c: true, d: 4 });
    assert.deepEqual(accepted(schema, { b: null, d: null }), { b: undefined, c: false });
    assert.equal(refusal(schema, { a: null }), 'a: expected a finite number, got null', 'null is not absent for a plain optional field');
    assert.equal(refusal(schema, { c: null }), 'c: expected true or false, got null');
    assert.equal(refusal(schema, { b: 'x' }), 'b: expected a finite number, got a string of 1 characters', 'a present maybe field must fit');
  });

  it('nullable: null, or the inner value; undefined is neither', () => {
    assert.equal(accepted(nullable(string(5)), null), null);
    assert.equal(refusal(object({ s: nullable(string(5)) }), {}), 's: expected a string of at most 5 characters, or null, got nothing');
  });

  it('array: a copied list within its size, with the index of a wrong item in the path', () => {
    const list = array(point, { min: 1, max: 2 });
    const source = [{ x: 1, y: 2 }];
    const copy = accepted(list, source);
    assert.deepEqual(copy, source);
    assert.notEqual(copy, source);
    assert.equal(refusal(list, []), 'expected a list of 1 to 2 items, got a list of 0 items');
    assert.equal(refusal(list, [source[0], source[0], source[0]]), 'expected a list of 1 to 2 items, got a list of 3 items');
    assert.equal(refusal(object({ points: list }), { points: [{ x: 1, y: 2 }, { x: 1, y: Number.NaN }] }), 'points[1].y: expected a finite number, got NaN');
    refusal(list, { 0: source[0], length: 1 });
  });

  it('union: picks the variant by its tag, and says which tags it knows', () => {
    const message = union('type', { move: object({ to: point }), stop: object({}) }, { plain: true });
    assert.deepEqual(accepted(message, { type: 'stop', extra: 1 }), { type: 'stop' });
    assert.deepEqual(accepted(message, { type: 'move', to: { x: 1, y: 2 } }), { type: 'move', to: { x: 1, y: 2 } });
    assert.equal(refusal(message, { type: 'jump' }), 'type: expected one of "move", "stop", got "jump"');
    assert.equal(refusal(message, { type: 'toString' }), 'type: expected one of "move", "stop", got "toString"', 'inherited names are no variants');
    assert.equal(refusal(message, {}), 'type: expected one of "move", "stop", got nothing');
    assert.equal(refusal(message, { type: 'move', to: { x: 1 } }), 'to.y: expected a finite number, got nothing');
    assert.equal(refusal(message, Object.create({ type: 'stop' })), 'expected a plain object whose type is one of "move", "stop", got an object');
  });

  it('refine, map and when: rules across fields, changed values, and a choice without a tag', () => {
    const range = refine(object({ start: number(), end: number() }), (value) => value.end >= value.start, 'end is before start');
    assert.equal(refusal(object({ range }), { range: { start: 2, end: 1 } }), 'range: end is before start');
    assert.deepEqual(accepted(map(range, (value) => value.end - value.start), { start: 1, end: 4 }), 3);
    const either = when((value) => typeof value === 'object' && value !== null && 'text' in value, object({ text: string(10) }), point);
    assert.deepEqual(accepted(either, { text: 'a' }), { text: 'a' });
    assert.deepEqual(accepted(either, { x: 1, y: 2 }), { x: 1, y: 2 });
    assert.equal(refusal(either, { text: 1, x: 1, y: 2 }), 'text: expected a string of at most 10 characters, got 1', 'the branch chosen must fit');
  });

  it('scalarRecord: keeps the scalar entries, never refuses', () => {
    const details = scalarRecord(3, 5);
    assert.deepEqual(accepted(details, { a: true, b: 1, c: 'x', d: 2 }), { a: true, b: 1, c: 'x' }, 'the first three entries');
    assert.deepEqual(accepted(details, { a: { nested: 1 }, b: Number.NaN, c: 'too long' }), {});
    assert.deepEqual(accepted(details, 'not an object'), {});
  });
});

describe('the panel schemas', () => {
  const fixtures = path.join(import.meta.dirname, 'fixtures');
  const json = (name: string) => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as Record<string, any>;

  it('say where a message is wrong and why', () => {
    const tradeoffs = json('tradeoff-report.json');
    tradeoffs.options[1].label = 8;
    assert.equal(
      refusal(panelSchemas.toPanel, { type: 'tradeoffs', view: { state: 'ready', detail: '', report: tradeoffs, applying: false } }),
      'view.report.options[1].label: expected a string of at most 200 characters, got 8',
    );
    const migration = json('migration-report.json');
    migration.scores.to.topScores.edges[5] = 0.9;
    assert.equal(refusal(panelSchemas.migrationReport, migration), 'scores.to.topScores: a histogram needs one more edge than bins, each edge above the one before');
    assert.equal(
      refusal(panelSchemas.fromPanel, { type: 'open', folder: 'f', path: 'p', startLine: 5, endLine: 3, preview: false }),
      'endLine is before startLine',
    );
    assert.equal(refusal(panelSchemas.fromPanel, { type: 'applyStorage', option: { kind: 'int8', rescore: 'float32' } }), 'option: rescore and oversampling belong to binary options only');
    assert.equal(refusal(panelSchemas.fromPanel, { type: 'search', requestId: 1, query: 'q', filters: { languages: [1], pathGlob: '' } }), 'filters.languages[0]: expected a string of at most 50 characters, got 1');
  });

  it('read the real reports whole', () => {
    const reports: Array<[Schema<unknown>, string]> = [[panelSchemas.migrationReport, 'migration-report.json'], [panelSchemas.tradeoffReport, 'tradeoff-report.json']];
    for (const [schema, name] of reports) {
      assert.ok(validate(schema, json(name)).ok, name);
    }
  });
});
