// One runner for the panel's report tabs (Compare Storage Options, Which Model Suits My Code?): it runs
// the report's request in the index worker, cancellable, with progress in a notification and in the tab;
// keeps the last report (what the tab's buttons choose from); shows the outcome, or a failure view that
// keeps the previous report; and runs the tab's one action (apply an option, use a model) with the tab
// marked busy meanwhile. A tab is configuration of this: its sentences, its request, and how its view is
// shown. `withCancellableProgress` is the notification part alone, for the migration report.
import * as vscode from 'vscode';
import { isAbortError } from '../core/errors.ts';
import type { RequestProgress } from './index-client.ts';

/** Where a report tab stands, in the shape the tabs share (each maps it onto its own protocol view). */
export interface ReportTabState<R> {
  /** running: the request is under way (`detail` says how far); ready: `report` holds its answer; failed: `detail` says why. */
  state: 'running' | 'ready' | 'failed';
  /** A progress sentence, the reason of a failure, or a note; plain text, may be empty. */
  detail: string;
  /** The last report (kept while running again and after a failure), or null. */
  report: R | null;
  /** True while the tab's action runs: no other can start meanwhile. */
  busy: boolean;
}

/** What a report tab is made of. */
export interface ReportTab<R> {
  /** Shows the tab's state: revealing the panel on the tab (`reveal`), or only updating it if it is open. */
  show(state: ReportTabState<R>, reveal: boolean): void;
  /** The notification's title while the report runs. */
  progressTitle: string;
  /** The tab's first sentence while it runs. */
  starting: string;
  /** The tab's sentence for a progress update (`percent`: 0 to 100, from the update's done and total). */
  progress(update: RequestProgress, percent: number): string;
  /** The sentence when the user cancelled. */
  cancelled: string;
  /** The note shown with the report, given the folder it was made on (e.g. which one, in a multi-root workspace). */
  done(folderName: string): string;
}

/** Turns an update into a share of the work, 0 to 100. */
function percentOf(update: RequestProgress): number {
  return update.total > 0 ? Math.floor((update.done / update.total) * 100) : 0;
}

/**
 * Runs `task` under a cancellable progress notification. The task gets a token that is cancelled by the
 * notification's Cancel (and by `source`, when given, so a newer run can cancel this one), and a callback
 * that turns the worker's progress updates into the notification's increments.
 */
export async function withCancellableProgress<T>(
  title: string,
  task: (token: vscode.CancellationToken, onProgress: (update: RequestProgress) => void) => Thenable<T>,
  source?: vscode.CancellationTokenSource,
): Promise<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    if (!source) return task(token, () => undefined);
    token.onCancellationRequested(() => source.cancel());
    let reported = 0;
    return task(source.token, (update) => {
      const percent = percentOf(update);
      progress.report({ increment: Math.max(0, percent - reported), message: update.message });
      reported = Math.max(reported, percent);
    });
  });
}

/** One report tab's runs: one at a time (a new run cancels the one in flight); the last report kept. */
export class ReportRunner<R> {
  private readonly tab: ReportTab<R>;
  private running: vscode.CancellationTokenSource | undefined;
  /** The last report, what the tab's action chooses from. */
  report: R | null = null;

  constructor(tab: ReportTab<R>) {
    this.tab = tab;
  }

  /**
   * Shows the tab running (revealing it when `reveal`), waits for `prepare`, runs `request` and shows its
   * report. Cancelled: says so and resolves. Failed: shows why, keeping the previous report, and rejects
   * with the error (the command's guard shows it and logs it).
   */
  async run(
    reveal: boolean,
    prepare: () => Promise<unknown>,
    request: (token: vscode.CancellationToken, onProgress: (update: RequestProgress) => void) => Thenable<{ name: string; report: R }>,
  ): Promise<void> {
    this.running?.cancel();
    this.tab.show(this.state('running', this.tab.starting), reveal);
    await prepare();
    const source = new vscode.CancellationTokenSource();
    this.running = source;
    try {
      const { name, report } = await withCancellableProgress(this.tab.progressTitle, (token, onProgress) => request(token, (update) => {
        onProgress(update);
        this.tab.show(this.state('running', this.tab.progress(update, percentOf(update))), false);
      }), source);
      this.report = report;
      this.tab.show(this.state('ready', this.tab.done(name)), false);
    } catch (error) {
      const cancelled = isAbortError(error);
      this.tab.show(this.state('failed', cancelled ? this.tab.cancelled : error instanceof Error ? error.message : String(error)), false);
      if (!cancelled) throw error;
    } finally {
      if (this.running === source) this.running = undefined;
      source.dispose();
    }
  }

  /**
   * Runs the tab's action (apply an option, use a model): the tab is busy with `busyDetail` meanwhile, then
   * shows the action's note (and report, when it changed it). A failure is shown as "`failure`: why" and rethrown.
   */
  async act(busyDetail: string, action: () => Promise<{ detail: string; report?: R | null }>, failure: string): Promise<void> {
    this.tab.show({ ...this.state('ready', busyDetail), busy: true }, false);
    try {
      const outcome = await action();
      this.tab.show({ ...this.state('ready', outcome.detail), ...(outcome.report === undefined ? {} : { report: outcome.report }) }, false);
    } catch (error) {
      this.tab.show(this.state('failed', `${failure}: ${error instanceof Error ? error.message : String(error)}`), false);
      throw error;
    }
  }

  private state(state: ReportTabState<R>['state'], detail: string): ReportTabState<R> {
    return { state, detail, report: this.report, busy: false };
  }
}

/**
 * Where a tab's action writes a setting: the workspace when one is open (a report is measured on this
 * workspace's index and code), else the user's settings.
 */
export function workspaceTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFile || vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}
