// The report tabs' runner (extension/host/report-runner.ts) against the fake `vscode` module of
// ./fake-vscode-download.ts: what a tab shows while its report runs, when it is ready, cancelled or failed,
// and around its action. node:test runs each file in its own process, so the module mapping stays here.
import assert from 'node:assert/strict';
import { registerHooks } from 'node:module';
import { beforeEach, describe, it } from 'node:test';
import type * as vscodeTypes from 'vscode';
import type { RequestProgress } from '../../../extension/host/index-client.ts';
import type { ReportTabState } from '../../../extension/host/report-runner.ts';
import * as fake from './fake-vscode-download.ts';

const fakeUrl = new URL('./fake-vscode-download.ts', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, nextResolve) => (specifier === 'vscode' ? { url: fakeUrl, shortCircuit: true } : nextResolve(specifier, context)),
});
const { ReportRunner } = await import('../../../extension/host/report-runner.ts');

interface Report { figure: number }

function setUp() {
  const shown: Array<ReportTabState<Report> & { reveal: boolean }> = [];
  const runner = new ReportRunner<Report>({
    show: (state, reveal) => shown.push({ ...state, reveal }),
    progressTitle: 'Measuring',
    starting: 'Starting…',
    progress: (update, percent) => `${update.message} (${percent}%)`,
    cancelled: 'Cancelled.',
    done: (name) => `Measured on ${name}.`,
  });
  return { runner, shown, last: () => shown.at(-1)! };
}

/** A request that waits for the test: it can report progress, answer, fail, and sees its token. */
function pendingRequest() {
  let resolve!: (value: { name: string; report: Report }) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<{ name: string; report: Report }>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  const call = { token: undefined as vscodeTypes.CancellationToken | undefined, progress: undefined as ((update: RequestProgress) => void) | undefined };
  const request = (token: vscodeTypes.CancellationToken, onProgress: (update: RequestProgress) => void) => {
    call.token = token;
    call.progress = onProgress;
    // Like the index client: a cancelled token rejects the request with an AbortError.
    token.onCancellationRequested(() => reject(Object.assign(new Error('The request was cancelled.'), { name: 'AbortError' })));
    return promise;
  };
  return { request, call, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

// A timeout: a run that is never cancelled would otherwise wait forever.
describe('ReportRunner', { timeout: 5000 }, () => {
  beforeEach(() => fake.resetFake());

  it('shows the tab running, its progress in the tab and the notification, then the report', async () => {
    const { runner, shown, last } = setUp();
    const pending = pendingRequest();
    const run = runner.run(true, async () => undefined, pending.request);
    await tick();
    assert.deepEqual(shown[0], { state: 'running', detail: 'Starting…', report: null, busy: false, reveal: true });
    pending.call.progress!({ done: 1, total: 4, message: 'int8' });
    pending.call.progress!({ done: 3, total: 4, message: 'binary' });
    assert.deepEqual(shown.slice(1).map((state) => [state.detail, state.reveal]), [['int8 (25%)', false], ['binary (75%)', false]]);
    assert.deepEqual(fake.recorded.progress[0]!.reports, [{ increment: 25, message: 'int8' }, { increment: 50, message: 'binary' }]);
    assert.equal(fake.recorded.progress[0]!.options.cancellable, true);
    pending.resolve({ name: 'repo', report: { figure: 7 } });
    await run;
    assert.deepEqual(last(), { state: 'ready', detail: 'Measured on repo.', report: { figure: 7 }, busy: false, reveal: false });
    assert.deepEqual(runner.report, { figure: 7 });
  });

  it('says a cancelled run was cancelled, keeps the previous report, and resolves', async () => {
    const { runner, last } = setUp();
    const first = pendingRequest();
    const done = runner.run(false, async () => undefined, first.request);
    await tick();
    first.resolve({ name: 'repo', report: { figure: 1 } });
    await done;
    const second = pendingRequest();
    const run = runner.run(false, async () => undefined, second.request);
    await tick();
    assert.equal(last().report?.figure, 1, 'the previous report is shown while running again');
    fake.recorded.progress[1]!.cancel();
    await run;
    assert.equal(second.call.token!.isCancellationRequested, true);
    assert.deepEqual(last(), { state: 'failed', detail: 'Cancelled.', report: { figure: 1 }, busy: false, reveal: false });
  });

  it('shows why a run failed and rejects with the error', async () => {
    const { runner, last } = setUp();
    const pending = pendingRequest();
    const run = runner.run(false, async () => undefined, pending.request);
    await tick();
    pending.reject(new Error('The index is locked by another process.'));
    await assert.rejects(run, /locked/);
    assert.deepEqual(last(), { state: 'failed', detail: 'The index is locked by another process.', report: null, busy: false, reveal: false });
  });

  it('cancels the run in flight when another starts', async () => {
    const { runner, last } = setUp();
    const first = pendingRequest();
    const firstRun = runner.run(false, async () => undefined, first.request);
    await tick();
    const second = pendingRequest();
    const secondRun = runner.run(false, async () => undefined, second.request);
    await firstRun;
    assert.equal(first.call.token!.isCancellationRequested, true);
    await tick();
    second.resolve({ name: 'repo', report: { figure: 2 } });
    await secondRun;
    assert.equal(second.call.token!.isCancellationRequested, false);
    assert.deepEqual(last().report, { figure: 2 });
    assert.equal(last().state, 'ready');
  });

  it('marks the tab busy during its action, then shows its note; a failed action says why and rejects', async () => {
    const { runner, shown, last } = setUp();
    await runner.act('Switching…', async () => {
      assert.deepEqual(last(), { state: 'ready', detail: 'Switching…', report: null, busy: true, reveal: false });
      return { detail: 'Switched.', report: { figure: 3 } };
    }, 'Could not switch');
    assert.deepEqual(last(), { state: 'ready', detail: 'Switched.', report: { figure: 3 }, busy: false, reveal: false });
    assert.equal(runner.report, null, 'the report shown after the action does not replace the measured one');
    await assert.rejects(runner.act('Switching…', async () => {
      throw new Error('settings are read-only');
    }, 'Could not switch'), /read-only/);
    assert.deepEqual(last(), { state: 'failed', detail: 'Could not switch: settings are read-only', report: null, busy: false, reveal: false });
    assert.equal(shown.length, 4);
  });
});
