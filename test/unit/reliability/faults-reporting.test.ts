// Each resource fault reaches the user as one typed error with one next step: SQLite's extended result
// codes map by code (never by message text), and the editor offers the action that reason calls for.
// The faults themselves are injected for real in the other faults-*.test.ts files.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifySqliteError, isCoreError, type StoreErrorReason } from '../../../extension/core/errors.ts';
import { errorActions } from '../../../extension/host/status-text.ts';

test('SQLite result codes, extended ones included, map to one store reason each', () => {
  const cases: [string, StoreErrorReason, RegExp][] = [
    ['SQLITE_FULL', 'disk-full', /is full.*Free some space/],
    ['SQLITE_IOERR_SHMSIZE', 'disk-full', /is full/],
    ['SQLITE_IOERR_WRITE', 'io-failed', /failed to read or write.*check the disk/],
    ['SQLITE_BUSY', 'locked', /locked by another process.*try again/],
    ['SQLITE_BUSY_SNAPSHOT', 'locked', /locked by another process/],
    ['SQLITE_READONLY', 'read-only', /read-only.*make the folder writable/],
    ['SQLITE_READONLY_DBMOVED', 'read-only', /read-only/],
    ['SQLITE_CANTOPEN', 'cannot-open', /folder exists and is writable/],
  ];
  for (const [code, reason, message] of cases) {
    const error = classifySqliteError(Object.assign(new Error('raw sqlite text'), { code }), '/data/index.db');
    assert.ok(isCoreError(error, 'store'), code);
    assert.equal(error.reason, reason, code);
    assert.match(error.message, message, code);
    assert.ok(error.message.includes('/data/index.db'), `${code} names the database`);
    assert.doesNotMatch(error.message, /raw sqlite text/, `${code}: the message is ours, not SQLite's`);
  }
  const other = new Error('not sqlite');
  assert.equal(classifySqliteError(other, '/data/index.db'), other, 'other errors pass through unchanged');
});

test('the editor offers the next step each fault calls for', () => {
  const cases: [kind: 'store' | 'model', reason: string, actions: string[]][] = [
    ['store', 'disk-full', ['Retry', 'Open Log']],
    ['store', 'locked', ['Retry', 'Open Log']],
    ['store', 'corrupt', ['Rebuild Index', 'Open Log']],
    ['store', 'read-only', ['Open Log']],
    ['store', 'io-failed', ['Open Log']],
    ['model', 'model-changed', ['Reload Model', 'Open Log']],
    ['model', 'model-missing', ['Change Model Setting', 'Open Log']],
    ['model', 'out-of-memory', ['Change Model Setting', 'Open Log']],
  ];
  for (const [kind, reason, actions] of cases) assert.deepEqual(errorActions({ kind, reason }), actions, `${kind} ${reason}`);
});
