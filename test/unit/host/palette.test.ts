import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { FolderMigration } from '../../../extension/core/service/workspace-service.ts';
import { migrationContextKeys } from '../../../extension/host/status-text.ts';

interface CommandContribution {
  command: string;
  title: string;
  category?: string;
}

const manifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { commands: CommandContribution[]; menus: { commandPalette: { command: string; when?: string }[] } };
};

const label = (command: CommandContribution) => (command.category ? `${command.category}: ${command.title}` : command.title);

test('the palette lists Search first: VS Code sorts commands never run before by their label', () => {
  // As workbench's CommandsQuickAccess does for a user with no command history: label.localeCompare.
  const sorted = [...manifest.contributes.commands].sort((a, b) => label(a).localeCompare(label(b)));
  assert.equal(sorted[0]!.command, 'semanticSearch.search', `first: ${sorted.map(label).slice(0, 3).join(' | ')}`);
  assert.equal(label(sorted[0]!), 'Semantic Search');
  // The destructive one is not second to it only by accident of the alphabet: it is never first.
  assert.notEqual(sorted[0]!.command, 'semanticSearch.clearIndex');
});

test('the migration commands show in the palette only when a migration lets them do something', () => {
  const when = new Map(manifest.contributes.menus.commandPalette.map((entry) => [entry.command, entry.when ?? '']));
  assert.equal(when.get('semanticSearch.showMigrationReport'), 'semanticSearch.migrationExists');
  assert.equal(when.get('semanticSearch.cutOver'), 'semanticSearch.migrationPending');
  assert.equal(when.get('semanticSearch.rollBack'), 'semanticSearch.canRollBack');
  // Every extension context key a clause reads is one the extension sets.
  const set = new Set(['semanticSearch.paused', ...Object.keys(migrationContextKeys([]))]);
  for (const clause of when.values()) for (const key of clause.match(/semanticSearch\.\w+/g) ?? []) assert.ok(set.has(key), `${key} is never set`);

  const migration = (phase: FolderMigration['phase'], canRollBack = false) => ({ migration: { phase, canRollBack } as FolderMigration });
  assert.deepEqual(Object.values(migrationContextKeys([{ migration: undefined }])), [false, false, false], 'no migration: none of them');
  assert.deepEqual(Object.values(migrationContextKeys([migration('building')])), [true, false, true], 'building: report and abandon, no cutover yet');
  assert.deepEqual(Object.values(migrationContextKeys([{ migration: undefined }, migration('awaiting-decision')])), [true, true, true]);
  assert.deepEqual(Object.values(migrationContextKeys([migration('cut-over', true)])), [true, false, true], 'cut over, old index kept');
  assert.deepEqual(Object.values(migrationContextKeys([migration('cut-over', false)])), [true, false, false]);
});
