// Makes sure the model the settings select is on disk. A Hugging Face model that is not downloaded
// yet is downloaded once the user agrees, in a cancellable progress notification; the decisions
// (which folder, whether a download is needed, what to say) are in model-choice.ts, which plain Node
// tests. Cancelling keeps the partial files, and the downloader resumes them next time.
import * as vscode from 'vscode';
import { isAbortError } from '../core/errors.ts';
import { downloadModel, type DownloadedModel } from '../core/model/download.ts';
import { MODEL_NAME_SETTING, chooseModel, downloadProgressMessage, downloadQuestion, type ModelChoice, type ModelLocations, type ModelSettings } from './model-choice.ts';

export interface EnsureModelOptions {
  extensionPath: string;
  /** The extension's global storage: Hub models are kept in its `models/` folder. */
  storageDirectory: string;
  trusted: boolean;
  log: { info(message: string): void; warn(message: string): void };
}

/**
 * The model folder to load, or why there is none. `shown` says the user has already been told
 * (the download was declined, cancelled or failed with its own message), so the caller need not
 * show the problem again.
 */
export type EnsuredModel = { directory: string; modelId?: string } | { problem: string; shown?: boolean };

const DOWNLOAD = 'Download';
const PICK_ANOTHER = 'Pick Another Model';
const RETRY = 'Retry';

/** Downloads asked about or running, by what they fetch: a second caller waits for the first rather than asking again. */
const inFlight = new Map<string, Promise<EnsuredModel>>();

/** Whether the settings select a Hub model that must be downloaded first (a caller keeps its current model meanwhile). */
export function modelNeedsDownload(settings: { model: ModelSettings }, locations: ModelLocations): boolean {
  return chooseModel(settings, locations).kind === 'needs-download';
}

/** The folder of the selected model, downloading a Hub model first when the user agrees. */
export function ensureModel(settings: { model: ModelSettings }, options: EnsureModelOptions): Promise<EnsuredModel> {
  const choice = chooseModel(settings, options);
  if (choice.kind === 'ready') return Promise.resolve(choice.modelId ? { directory: choice.directory, modelId: choice.modelId } : { directory: choice.directory });
  if (choice.kind === 'problem') return Promise.resolve({ problem: choice.problem });
  const key = [choice.storageDirectory, choice.endpoint, choice.entry.repo, choice.revision, choice.quantization].join('\n');
  let pending = inFlight.get(key);
  if (!pending) {
    pending = askAndDownload(choice, options.log).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

type DownloadChoice = Extract<ModelChoice, { kind: 'needs-download' }>;

async function askAndDownload(choice: DownloadChoice, log: EnsureModelOptions['log']): Promise<EnsuredModel> {
  const name = choice.entry.displayName;
  const answer = await vscode.window.showInformationMessage(downloadQuestion(choice), DOWNLOAD, PICK_ANOTHER);
  if (answer === PICK_ANOTHER) {
    void vscode.commands.executeCommand('workbench.action.openSettings', MODEL_NAME_SETTING);
    return { problem: `${name} is not downloaded. Pick another model in ${MODEL_NAME_SETTING}.`, shown: true };
  }
  if (answer !== DOWNLOAD) {
    log.info(`The download of ${choice.entry.repo} was not confirmed.`);
    return { problem: `${name} is not downloaded, so it cannot be used. Reload the window to be asked again, or pick another model in ${MODEL_NAME_SETTING}.` };
  }
  for (;;) {
    try {
      const downloaded = await download(choice);
      log.info(
        `${choice.entry.repo} revision ${choice.revision} is commit ${downloaded.record.commit}, in ${downloaded.directory}` +
          (downloaded.fetchedFiles.length > 0 ? ` (downloaded ${downloaded.fetchedFiles.join(', ')}).` : ' (already downloaded).'),
      );
      return { directory: downloaded.directory, modelId: choice.entry.repo };
    } catch (error) {
      if (isAbortError(error)) {
        log.info(`The download of ${choice.entry.repo} was cancelled; the partial files are kept.`);
        return { problem: `The download of ${name} was cancelled. What arrived is kept and resumes next time the model is loaded (reload the window, or pick the model again).`, shown: true };
      }
      // A download CoreError's message already says what went wrong and what to do; anything else (a file system error) is shown as it is.
      const message = `Semantic Search could not download ${name}: ${error instanceof Error ? error.message : String(error)}`;
      log.warn(message);
      const action = await vscode.window.showErrorMessage(message, RETRY, PICK_ANOTHER);
      if (action === RETRY) continue;
      if (action === PICK_ANOTHER) void vscode.commands.executeCommand('workbench.action.openSettings', MODEL_NAME_SETTING);
      return { problem: message, shown: true };
    }
  }
}

/** One download in a cancellable notification: "file — x of y MB". */
function download(choice: DownloadChoice): Promise<DownloadedModel> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Downloading ${choice.entry.displayName}`, cancellable: true }, async (progress, token) => {
      const cancellation = signalFromToken(token);
      let percentShown = 0;
      try {
        return await downloadModel(choice.entry, {
          storageDirectory: choice.storageDirectory,
          endpoint: choice.endpoint,
          revision: choice.revision,
          quantizations: [choice.quantization],
          signal: cancellation.signal,
          onProgress: (update) => {
            const percent = update.totalBytes > 0 ? (update.bytes / update.totalBytes) * 100 : 0;
            progress.report({ message: downloadProgressMessage(update), increment: Math.max(0, percent - percentShown) });
            percentShown = Math.max(percentShown, percent);
          },
        });
      } finally {
        cancellation.dispose();
      }
    }),
  );
}

/** The one adapter from a VS Code cancellation token to the standard AbortSignal the core takes. */
function signalFromToken(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const subscription = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => subscription.dispose() };
}
