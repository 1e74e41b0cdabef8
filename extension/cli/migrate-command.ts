// `semsearch migrate`: moves an index to another model (or weights) beside the active one, reports on
// the move, and cuts over or rolls back.
import type { FolderIndex } from '../core/folder-index.ts';
import type { IndexProgress } from '../core/indexing/indexer.ts';
import type { DeviceSetting } from '../core/embedding/providers.ts';
import { IndexStore, type Migration, type VectorSpace } from '../core/store/index-store.ts';
import { WriterLock } from '../core/store/writer-lock.ts';
import { cutOver, migrationStatus, rollBack } from '../core/migration/lifecycle.ts';
import { migrationEvidence } from '../core/evaluation/evidence.ts';
import type { CutoverDecision } from '../core/migration/cutover-decision.ts';
import { currentMigration, decideCutover, loadSpaceModel, reportMigration, spaceLabel } from '../core/operations/migration.ts';
import type { Histogram, MigrationReport } from '../core/migration/report.ts';
import type { EmbeddingRuntime } from '../core/embedding/runtime.ts';
import { integerOption, parse, UsageError, type Values } from './arguments.ts';
import { interruptible } from './interrupt.ts';
import { locateIndex, openFolderIndex } from './open-index.ts';
import { ProgressLine } from './progress.ts';

/** Runs a write while no other process writes the index (a cutover must not land inside another run). */
async function asTheOnlyWriter<T>(store: IndexStore, write: () => T): Promise<T> {
  // No signal: Ctrl-C while waiting ends the process, which has written nothing yet.
  const lock = await WriterLock.acquire(store.path, {
    onWait: () => process.stderr.write('semsearch: another process is updating the index; waiting for it to finish\n'),
  });
  try {
    return write();
  } finally {
    lock.release();
  }
}

/** A space as `migrate` names it: told apart from the other spaces of its model by weights, storage and id. */
function labelOf(space: VectorSpace | undefined): string {
  return space ? spaceLabel(space, { identify: true }) : 'none';
}

/** The model that embeds queries for a space: one loaded already (by fingerprint), else the space's own, loaded and kept in `loaded`. */
function embedderFor(loaded: EmbeddingRuntime[], values: Values): (space: VectorSpace) => Promise<EmbeddingRuntime> {
  return async (space) => {
    const known = loaded.find((runtime) => runtime.info.fingerprint === space.modelFingerprint);
    if (known) return known;
    const model = await loadSpaceModel(space, { device: (values.device as DeviceSetting | undefined) ?? 'auto', threads: integerOption(values, 'threads', undefined) });
    if ('runtime' in model) {
      loaded.push(model.runtime);
      return model.runtime;
    }
    if (model.problem === 'unrecorded') throw new UsageError(`space ${space.id} does not say which model folder built it`);
    throw new UsageError(`the files in ${model.modelDirectory} changed since space ${space.id} was built, so its queries cannot be embedded any more`);
  };
}

/** A histogram as one line of block characters, for a terminal. */
function sparkline(histogram: Histogram): string {
  const blocks = ' ▁▂▃▄▅▆▇█';
  const first = histogram.counts.findIndex((count) => count > 0);
  const last = histogram.counts.findLastIndex((count) => count > 0);
  if (first < 0) return '(empty)';
  const peak = Math.max(...histogram.counts);
  const bars = histogram.counts.slice(first, last + 1).map((count) => blocks[Math.ceil((count / peak) * 8)]).join('');
  return `${histogram.edges[first]!.toFixed(2)} ${bars} ${histogram.edges[last + 1]!.toFixed(2)}`;
}

function printReport(report: MigrationReport): void {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const lines = [
    `migration report: ${report.from ? `${report.from.modelId} (${report.from.dimensions}-d)` : 'nothing'} → ${report.to.modelId} (${report.to.dimensions}-d)`,
    `coverage        old ${report.coverage.from ? percent(report.coverage.from.shareComplete) : '-'}, new ${percent(report.coverage.to.shareComplete)} (${report.coverage.to.missingContents} contents still to embed)`,
    `queries         ${report.queries.recent} recent, ${report.queries.selfSupervised} from doc comments and docstrings (one per documented definition; ${report.queries.selfSupervisedSkipped} gave none)`,
  ];
  if (report.overlap) lines.push(`top-10 overlap  mean ${percent(report.overlap.mean)}, lowest ${percent(report.overlap.min)}`);
  if (report.quality) {
    const from = report.quality.from;
    lines.push(`Recall@10       old ${from ? from.recallAt10.toFixed(3) : '-'}, new ${report.quality.to.recallAt10.toFixed(3)}`);
    lines.push(`MRR@10          old ${from ? from.mrrAt10.toFixed(3) : '-'}, new ${report.quality.to.mrrAt10.toFixed(3)}`);
  }
  // The rule the cutover follows: figures that are no evidence decide nothing.
  const evidence = migrationEvidence(report.quality);
  if (!evidence.sufficient) lines.push(`evidence        none: ${evidence.text}; the cutover waits for you`);
  for (const [side, thresholds] of [['old', report.thresholds.from], ['new', report.thresholds.to]] as const) {
    if (!thresholds) continue;
    lines.push('unavailable' in thresholds ? `thresholds ${side}  unavailable: ${thresholds.unavailable}` : `thresholds ${side}  similar ${thresholds.similar.value.toFixed(3)}, duplicate ${thresholds.duplicate.value.toFixed(3)}`);
  }
  for (const [side, scores] of [['old', report.scores.from], ['new', report.scores.to]] as const) {
    if (!scores) continue;
    lines.push(`top scores ${side}  ${sparkline(scores.topScores)}`);
    lines.push(`unrelated ${side}   ${sparkline(scores.unrelatedPairs)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function commandMigrate(argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    to: { type: 'string' },
    manual: { type: 'boolean', default: false },
    margin: { type: 'string' },
    status: { type: 'boolean', default: false },
    report: { type: 'boolean', default: false },
    cutover: { type: 'boolean', default: false },
    rollback: { type: 'boolean', default: false },
  });
  const actions = ['to', 'status', 'report', 'cutover', 'rollback'].filter((name) => values[name] !== undefined && values[name] !== false);
  if (actions.length !== 1) throw new UsageError('give exactly one of --to MODEL, --status, --report, --cutover, --rollback');
  const margin = values.margin === undefined ? 0.05 : Number(values.margin);
  if (!Number.isFinite(margin) || margin < 0 || margin > 1) throw new UsageError('--margin is a drop of MRR@10 between 0 and 1, e.g. 0.05');
  const { root, databasePath } = locateIndex(values);

  if (values.to) {
    // Building the new space is an index run with the new model; the old space answers until cutover.
    // When it is complete the report decides: cut over unless quality fell by more than --margin.
    // --manual builds the new index but leaves the cutover to `migrate --cutover`.
    const loaded: EmbeddingRuntime[] = [];
    let heldBack: CutoverDecision | undefined;
    let index: FolderIndex | undefined;
    const decide = async (pending: Migration) => {
      loaded.push(index!.runtime);
      const outcome = await decideCutover({ store: index!.store, migration: pending, embedderFor: embedderFor(loaded, values), policy: { automatic: !values.manual, margin }, signal: interruptible() });
      // Unlike the editor's worker, which logs it and waits for the user, a command says why it failed.
      if (outcome.reportError !== undefined) throw outcome.reportError;
      if (!outcome.decision.cutOver) heldBack = outcome.decision;
      return outcome.decision.cutOver;
    };
    index = await openFolderIndex({ ...values, model: values.to }, root, databasePath, { decideCutover: decide, verifyDatabase: true });
    const progress = new ProgressLine(process.stderr, !values.json);
    try {
      const result = await index.index({
        signal: interruptible(),
        onProgress: (update: IndexProgress) => progress.update(`migrating to ${values.to as string}`, update),
      });
      progress.done();
      const status = migrationStatus(index.store);
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ activated: result.activated, migration: result.migration ? { ...result.migration, report: undefined } : null, active: status.active?.id ?? null, rollbackTo: status.rollbackTo?.id ?? null, chunksEmbedded: result.chunksEmbedded }, null, 2)}\n`);
        return;
      }
      // Why it waits, unless the user asked to decide (--manual).
      const why = heldBack && !heldBack.cutOver && heldBack.reason !== 'manual'
        ? ` (${heldBack.fell ? `MRR@10 fell from ${heldBack.fell.from.toFixed(3)} to ${heldBack.fell.to.toFixed(3)}, more than --margin ${margin}` : heldBack.text}; see \`semsearch migrate --report\`)`
        : '';
      process.stdout.write(
        result.activated
          ? `cut over to ${labelOf(status.active)} after embedding ${result.chunksEmbedded} chunks; roll back with \`semsearch migrate --rollback\`\n`
          : result.migration?.state === 'ready'
            ? `the new index ${labelOf(status.pending?.target)} is complete and waits for \`semsearch migrate --cutover\`${why}\n`
            : `nothing to migrate: ${labelOf(status.active)} is already active\n`,
      );
    } finally {
      progress.done();
      for (const runtime of loaded) if (runtime !== index.runtime) await runtime.dispose();
      await index.close();
    }
    return;
  }

  const store = IndexStore.open(databasePath);
  try {
    if (values.status) {
      const status = migrationStatus(store);
      if (values.json) {
        const withoutReport = <T extends { report: unknown }>(migration: T) => ({ ...migration, report: undefined, hasReport: migration.report !== undefined });
        process.stdout.write(`${JSON.stringify({ active: status.active ?? null, pending: status.pending ? withoutReport(status.pending) : null, rollbackTo: status.rollbackTo ?? null, history: status.history.map(withoutReport) }, null, 2)}\n`);
        return;
      }
      const lines = [
        `active      ${labelOf(status.active)}`,
        `migration   ${status.pending ? `to ${labelOf(status.pending.target)}: ${status.pending.state}, ${status.pending.complete ? 'complete' : `${status.pending.missing} chunk contents still to embed`}` : 'none in progress'}`,
        `rollback    ${status.rollbackTo ? `to ${labelOf(status.rollbackTo)} (retired ${new Date(status.rollbackTo.retiredAt ?? 0).toISOString()})` : 'nothing to roll back to'}`,
        ...status.history.slice(0, 5).map((migration) => `history     #${migration.id} ${migration.fromSpace ?? '-'} → ${migration.toSpace}: ${migration.state} (${new Date(migration.updatedAt).toISOString()})`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } else if (values.report) {
      const migration = currentMigration(store);
      if (!migration) throw new UsageError('there is no migration to report on; start one with `semsearch migrate --to MODEL --manual`');
      const loaded: EmbeddingRuntime[] = [];
      try {
        const report = await reportMigration({ store, migration, embedderFor: embedderFor(loaded, values), signal: interruptible() });
        if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else printReport(report);
      } finally {
        for (const runtime of loaded) await runtime.dispose();
      }
    } else if (values.cutover) {
      const migration = await asTheOnlyWriter(store, () => cutOver(store));
      process.stdout.write(`cut over to space ${migration.toSpace}; the old one is kept for rollback\n`);
    } else {
      const started = performance.now();
      const { space } = await asTheOnlyWriter(store, () => rollBack(store));
      process.stdout.write(`rolled back to ${labelOf(space)} in ${(performance.now() - started).toFixed(0)} ms\n`);
    }
  } finally {
    store.close();
  }
}
