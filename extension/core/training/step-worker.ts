// A training thread. It owns a fixed slice of every batch; for each step the main thread posts, it runs
// the phases of step-kernels.ts on its slice, meeting the other workers at a barrier between phases (a
// phase reads what the previous one wrote everywhere), then posts its share of the loss.
import { parentPort, workerData } from 'node:worker_threads';
import { sliceOf, type RowGradients, type SharedState } from './shared-state.ts';
import { adamRows, clearTouched, columnLoss, poolBackward, poolForward, pooledGradients, rowLoss, type AdamSettings } from './step-kernels.ts';

/** What the trainer hands a worker when it starts it. */
export interface StepWorkerData {
  state: SharedState;
  gradients: RowGradients[];
  worker: number;
}

/** One step's instructions. */
export interface StepMessage {
  type: 'step';
  step: number;
  batch: number;
  temperature: number;
  levelWeights: number[];
  adam: AdamSettings;
}

const COUNT = 0;
const GENERATION = 1;

/** Waits until every worker has arrived (a reusable barrier on two shared integers). */
function barrier(control: Int32Array, workers: number): void {
  const generation = Atomics.load(control, GENERATION);
  if (Atomics.add(control, COUNT, 1) === workers - 1) {
    Atomics.store(control, COUNT, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
  } else {
    while (Atomics.load(control, GENERATION) === generation) Atomics.wait(control, GENERATION, generation);
  }
}

/** Runs one step's phases for one worker. Exported for the single-threaded path and tests. */
export function runStep(state: SharedState, gradients: readonly RowGradients[], worker: number, message: StepMessage, sync: () => void): number {
  const workers = state.shape.workers;
  const [from, to] = sliceOf(message.batch, worker, workers);
  poolForward(state, from, to);
  sync();
  let loss = rowLoss(state, from, to, message.batch, message.temperature, message.levelWeights);
  sync();
  loss += columnLoss(state, from, to, message.batch, message.temperature, message.levelWeights);
  sync();
  pooledGradients(state, from, to, message.batch, message.temperature);
  sync();
  poolBackward(state, gradients[worker]!, from, to);
  sync();
  adamRows(state, gradients, worker, workers, message.step, message.adam);
  sync();
  clearTouched(gradients[worker]!);
  return loss;
}

if (parentPort !== null && workerData !== null && (workerData as StepWorkerData).state !== undefined) {
  const data = workerData as StepWorkerData;
  const port = parentPort;
  port.on('message', (message: StepMessage) => {
    const loss = runStep(data.state, data.gradients, data.worker, message, () => barrier(data.state.control, data.state.shape.workers));
    data.state.losses[data.worker] = loss;
    port.postMessage({ type: 'done', worker: data.worker });
  });
}
