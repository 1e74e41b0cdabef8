// Child process for the kill tests: runs one step of an index's life and, when told to, SIGKILLs
// itself at a chosen store operation (counted over every method of IndexStore, its table modules and
// SpaceVectors, nested calls included), before or after that operation runs. "After" an operation inside a transaction is
// a kill before the transaction commits. Prints one JSON line: where it died, or how many operations
// the whole step took.
//
//   node kill-child.ts '{"root":…,"databasePath":…,"step":"index-a","kill":{"at":N,"when":"before"|"after"}}'
import { writeSync } from 'node:fs';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { rollBack, rollbackTarget } from '../../../extension/core/migration/lifecycle.ts';
import { ChunkStore } from '../../../extension/core/store/chunks.ts';
import { FileStore } from '../../../extension/core/store/files.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { LexicalStore } from '../../../extension/core/store/lexical.ts';
import { MigrationStore } from '../../../extension/core/store/migrations.ts';
import { SpaceVectors } from '../../../extension/core/store/space-vectors.ts';
import { RelationStore } from '../../../extension/core/store/relations.ts';
import { SampleStore } from '../../../extension/core/store/samples.ts';
import { SpaceStore } from '../../../extension/core/store/spaces.ts';
import { VectorStore } from '../../../extension/core/store/vectors.ts';
import { hashRuntime, type HashModel } from './hash-embedder.ts';
import { LANDMARKS, type KillOrder, type KillReport } from './kill-protocol.ts';

const order = JSON.parse(process.argv[2]!) as KillOrder;
let operations = 0;
let phase = 'opening';
/** The store methods being run, outermost first. */
const calls: string[] = [];
const landmarks: number[] = [];

function die(operation: number, inTransaction: boolean): never {
  const report: KillReport = { killed: { operation, calls: [...calls], when: order.kill!.when, inTransaction, phase } };
  writeSync(1, `${JSON.stringify(report)}\n`);
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL did not end the process');
}

/** Wraps every method of `target` (a prototype or a class) so each call is counted and may be the last. */
function instrument(target: object, prefix: string): void {
  for (const name of Object.getOwnPropertyNames(target)) {
    const descriptor = Object.getOwnPropertyDescriptor(target, name)!;
    if (name === 'constructor' || typeof descriptor.value !== 'function') continue;
    const original = descriptor.value as (...args: unknown[]) => unknown;
    Object.defineProperty(target, name, {
      ...descriptor,
      value: function (this: { database?: { inTransaction: boolean } }, ...args: unknown[]) {
        const operation = ++operations;
        const method = `${prefix}${name}`;
        if (LANDMARKS.includes(method)) landmarks.push(operation);
        // Every instrumented class keeps its connection in `database`; the statics get it as their first argument.
        const connection = () => (this?.database ?? (args[0] as { inTransaction?: boolean } | undefined))?.inTransaction === true;
        calls.push(method);
        try {
          if (order.kill?.at === operation && order.kill.when === 'before') die(operation, connection());
          const result = original.apply(this, args);
          if (order.kill?.at === operation) die(operation, connection());
          return result;
        } finally {
          calls.pop();
        }
      },
    });
  }
}
instrument(IndexStore.prototype, 'IndexStore.');
instrument(FileStore.prototype, 'FileStore.');
instrument(ChunkStore.prototype, 'ChunkStore.');
instrument(RelationStore.prototype, 'RelationStore.');
instrument(LexicalStore.prototype, 'LexicalStore.');
instrument(MigrationStore.prototype, 'MigrationStore.');
instrument(SpaceStore.prototype, 'SpaceStore.');
instrument(VectorStore.prototype, 'VectorStore.');
instrument(SampleStore.prototype, 'SampleStore.');
instrument(SpaceVectors.prototype, 'SpaceVectors.');
instrument(SpaceVectors, 'SpaceVectors.');

if (order.step === 'rollback') {
  phase = 'rollback';
  const store = IndexStore.open(order.databasePath);
  try {
    // Resuming a rollback that was killed after it committed finds nothing left to roll back.
    if (rollbackTarget(store)) rollBack(store);
  } finally {
    store.close();
  }
} else {
  const model: HashModel = order.step === 'index-a' ? 'a' : 'b';
  const storage = order.step === 'convert-b-int8' ? { kind: 'int8' as const } : undefined;
  const index = await FolderIndex.open({ root: order.root, databasePath: order.databasePath, modelDirectory: order.modelDirectory, runtime: hashRuntime(model, order.modelDirectory), storage });
  try {
    await index.index({ onProgress: (progress) => (phase = progress.phase) });
  } finally {
    await index.close();
  }
}
const report: KillReport = { finished: { operations, landmarks } };
process.stdout.write(`${JSON.stringify(report)}\n`);
