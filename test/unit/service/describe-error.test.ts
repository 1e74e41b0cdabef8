// Issue 19 item 4: every kind of core error reaches the editor with its reason, its message and its next step.
// Before, `describeError` kept only model, store and migration errors, so evaluation, calibration, download,
// chunking and conversion errors arrived as `other` / `unexpected`; and "no folder", "no index" and "model not
// loaded" were all the migration reason `nothing-pending`.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createChunker } from '../../../extension/core/chunking/index.ts';
import { CORE_ERROR_KINDS, CoreError, isCoreError, nextStepOf, type CoreErrorKind, type CoreErrorReasons, type NextStep } from '../../../extension/core/errors.ts';
import { evaluateModels } from '../../../extension/core/evaluation/model-evaluation.ts';
import { cutOver } from '../../../extension/core/migration/lifecycle.ts';
import { resolveCatalogModel } from '../../../extension/core/model/catalog.ts';
import { describeError, WorkspaceService, type ServiceError } from '../../../extension/core/service/workspace-service.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { parseStorageOption } from '../../../extension/core/store/storage-option.ts';
import { errorActions } from '../../../extension/host/status-text.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';

// One reason of each kind, with the next step it must carry and the button the editor offers for it.
const CASES: { [K in CoreErrorKind]: { reason: CoreErrorReasons[K]; nextStep: NextStep; actions: string[] } } = {
  model: { reason: 'model-changed', nextStep: 'reload-model', actions: ['Reload Model', 'Open Log'] },
  store: { reason: 'corrupt', nextStep: 'rebuild-index', actions: ['Rebuild Index', 'Open Log'] },
  migration: { reason: 'no-index', nextStep: 'index-folder', actions: ['Open Log'] },
  evaluation: { reason: 'no-models', nextStep: 'change-model', actions: ['Change Model Setting', 'Open Log'] },
  calibration: { reason: 'not-calibrated', nextStep: 'index-folder', actions: ['Open Log'] },
  download: { reason: 'network', nextStep: 'retry', actions: ['Retry', 'Open Log'] },
  chunking: { reason: 'invalid-options', nextStep: 'change-settings', actions: ['Open Log'] },
  conversion: { reason: 'unsupported', nextStep: 'change-model', actions: ['Change Model Setting', 'Open Log'] },
};

/** What the host receives: the worker posts `describeError`'s object, which the structured clone copies. */
function acrossTheWorker(error: unknown): ServiceError {
  return structuredClone(describeError(error));
}

describe('describeError', () => {
  for (const kind of CORE_ERROR_KINDS) {
    test(`keeps a ${kind} error's kind, reason, message and next step across the worker boundary`, () => {
      const { reason, nextStep, actions } = CASES[kind];
      const message = `A ${kind} failure (${reason}). Here is what to do next.`;
      const error = new CoreError(kind, reason, message);
      assert.ok(isCoreError(error) && isCoreError(error, kind));
      assert.equal(error.nextStep, nextStep);
      const described = acrossTheWorker(error);
      assert.deepEqual(described, { kind, reason, message, nextStep });
      assert.deepEqual(errorActions(described), actions, 'the editor offers the next step as a button where it has one');
    });
  }

  test('every reason of every kind has a next step, and keeps it through describeError', () => {
    // The reasons by kind, as the types list them (a reason added to a type without a next step fails to compile in errors.ts).
    const reasons: { [K in CoreErrorKind]: readonly CoreErrorReasons[K][] } = {
      model: ['model-missing', 'model-corrupt', 'manifest-invalid', 'manifest-mismatch', 'tokenizer-invalid', 'empty-input', 'runtime-failed', 'model-changed', 'out-of-memory', 'disposed'],
      store: ['schema-too-new', 'migration-failed', 'corrupt', 'locked', 'disk-full', 'read-only', 'io-failed', 'cannot-open', 'space-missing', 'storage-invalid'],
      migration: ['nothing-pending', 'not-complete', 'nothing-to-roll-back', 'retention-over', 'no-folder', 'no-index', 'model-not-loaded'],
      evaluation: ['no-index', 'no-queries', 'no-models'],
      calibration: ['not-calibrated', 'too-few-vectors', 'model-mismatch'],
      download: ['checksum-mismatch', 'size-mismatch', 'http-error', 'network', 'offline', 'not-found', 'insecure-endpoint', 'disk-full'],
      chunking: ['invalid-options', 'window-too-small', 'disposed'],
      conversion: ['unsupported', 'malformed'],
    };
    for (const kind of CORE_ERROR_KINDS) {
      for (const reason of reasons[kind] as readonly CoreErrorReasons[CoreErrorKind][]) {
        const described = acrossTheWorker(new CoreError(kind, reason, 'message'));
        assert.deepEqual([described.kind, described.reason, described.nextStep], [kind, reason, nextStepOf(kind, reason)], `${kind} ${reason}`);
        assert.notEqual(described.kind, 'other');
      }
    }
  });

  test('the editor keeps the buttons model and store errors had before the table', () => {
    const before: [CoreErrorKind, string, string[]][] = [
      ['model', 'model-missing', ['Change Model Setting', 'Open Log']],
      ['model', 'out-of-memory', ['Change Model Setting', 'Open Log']],
      ['model', 'disposed', ['Change Model Setting', 'Open Log']],
      ['store', 'locked', ['Retry', 'Open Log']],
      ['store', 'disk-full', ['Retry', 'Open Log']],
      ['store', 'read-only', ['Open Log']],
      ['store', 'schema-too-new', ['Open Log']],
      ['migration', 'not-complete', ['Open Log']],
      ['migration', 'nothing-to-roll-back', ['Open Log']],
    ];
    for (const [kind, reason, actions] of before) assert.deepEqual(errorActions({ kind, reason }), actions, `${kind} ${reason}`);
  });

  test('any other error is `other` / `unexpected`, with its message and no next step', () => {
    assert.deepEqual(acrossTheWorker(new TypeError('boom')), { kind: 'other', reason: 'unexpected', message: 'boom', nextStep: 'none' });
    assert.deepEqual(acrossTheWorker('plain text'), { kind: 'other', reason: 'unexpected', message: 'plain text', nextStep: 'none' });
    assert.deepEqual(errorActions(describeError(new Error('x'))), ['Open Log']);
    // Told by fields, not by message: an Error that merely looks like one is not a CoreError.
    assert.equal(isCoreError(Object.assign(new Error('x'), { reason: 'corrupt' })), false);
  });
});

describe('errors thrown by the core keep their reason on the way to the editor', () => {
  const store = IndexStore.open(temporaryDatabasePath());
  const service = new WorkspaceService({ onState: () => undefined, onProgress: () => undefined, log: () => undefined });
  after(async () => {
    store.close();
    await service.dispose();
  });

  /** describeError of what `run` throws (or rejects with). */
  async function described(run: () => unknown): Promise<ServiceError> {
    try {
      await run();
    } catch (error) {
      return acrossTheWorker(error);
    }
    return assert.fail('it must fail');
  }

  test('model: an unknown model name', async () => {
    const error = await described(() => resolveCatalogModel('no-such-model', '/nonexistent'));
    assert.deepEqual([error.kind, error.reason, error.nextStep], ['model', 'model-missing', 'change-model']);
    assert.match(error.message, /Unknown model "no-such-model"/);
  });

  test('store: an invalid storage option', async () => {
    const error = await described(() => parseStorageOption('float16'));
    assert.deepEqual([error.kind, error.reason, error.nextStep], ['store', 'storage-invalid', 'change-settings']);
  });

  test('chunking: invalid chunker options (was `unexpected`)', async () => {
    const error = await described(() => createChunker({ maxTokens: 100, overlapTokens: 10, countTokens: (text: string) => text.split(/\s+/).length, maxChunkLines: 0 }));
    assert.deepEqual([error.kind, error.reason, error.nextStep], ['chunking', 'invalid-options', 'change-settings']);
  });

  test('evaluation: a folder without an index (was `unexpected`)', async () => {
    const error = await described(() => evaluateModels({ store, models: [], loadModel: () => assert.fail('nothing to load') }));
    assert.deepEqual([error.kind, error.reason, error.nextStep], ['evaluation', 'no-index', 'index-folder']);
    assert.match(error.message, /no index yet: index it/);
  });

  test('migration: nothing to cut over to', async () => {
    const error = await described(() => cutOver(store));
    assert.deepEqual([error.kind, error.reason, error.nextStep], ['migration', 'nothing-pending', 'change-model']);
  });

  test('migration: no folder open is its own reason, not `nothing-pending`', async () => {
    const tradeoffs = await described(() => service.tradeoffs());
    assert.deepEqual([tradeoffs.kind, tradeoffs.reason, tradeoffs.nextStep], ['migration', 'no-folder', 'open-folder']);
    assert.match(tradeoffs.message, /Open a folder to compare storage options/);
    const evaluation = await described(() => service.evaluateModels({ locations: {} }));
    assert.deepEqual([evaluation.kind, evaluation.reason, evaluation.nextStep], ['migration', 'no-folder', 'open-folder']);
  });
});
