// Stopping a worker thread that owns native resources. Terminating a worker in the middle of an
// onnxruntime call aborts the whole process (a C++ exception thrown while the worker's environment is
// torn down): Ctrl-C during `semsearch index` did so in about one run in four, and in VS Code it would
// take the extension host down. So a worker is asked to finish and exit (each protocol has its own
// message), and only terminated when it does not in time.
import type { Worker } from 'node:worker_threads';

/** Waits for `worker` to exit, at most `timeoutMs`; terminates it after that. Call right after asking it to exit. */
export async function awaitExitOrTerminate(worker: Worker, timeoutMs: number): Promise<void> {
  // -1: the thread has already stopped (it crashed, or exited before).
  if (worker.threadId === -1) return;
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<boolean>((resolve) => worker.once('exit', () => resolve(true)));
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const closed = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (!closed) await worker.terminate();
}
