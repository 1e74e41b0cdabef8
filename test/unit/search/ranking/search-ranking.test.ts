// The ranking stage inside search: on by default, explains each result, and gives way to the fused order when off.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FolderIndex } from '../../../../extension/core/folder-index.ts';
import { offlineModel } from '../../../helpers/models.ts';

const FILES: Record<string, string> = {
  'cmd/usage.go': `package cmd

// PrintUsage prints how to use a Command, for every Command and sub Command of the Command tree.
func PrintUsage(c *Command) {
	for _, sub := range c.Commands() {
		fmt.Println(sub.Use, "Command", sub.Short)
	}
}
`,
  'cmd/command.go': `package cmd

type Command struct {
	Use   string
	Short string
	subs  []*Command
}

func (c *Command) Commands() []*Command {
	return c.subs
}
`,
  'cmd/command_test.go': `package cmd

func TestCommand(t *testing.T) {
	c := &Command{Use: "root"}
	if len(c.Commands()) != 0 {
		t.Fatal("Command has no sub Command yet")
	}
}
`,
};

describe('the ranking stage in search', () => {
  let root: string;
  let index: FolderIndex;
  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-ranking-'));
    for (const [file, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(root, 'corpus', file)), { recursive: true });
      writeFileSync(path.join(root, 'corpus', file), text);
    }
    index = await FolderIndex.open({ root: path.join(root, 'corpus'), databasePath: path.join(root, 'index.db'), modelDirectory: offlineModel('use-lite'), quantization: 'int8', device: 'cpu', threads: 1 });
    await index.index();
  });
  after(async () => {
    await index?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('puts the definition of the name asked for first and explains every score', async () => {
    const { hits } = await index.search('Command', { k: 5 });
    assert.equal(hits[0]!.path, 'cmd/command.go');
    assert.equal(hits[0]!.symbol, 'Command');
    for (const hit of hits) {
      assert.ok(hit.ranking, 'each result says how it was ranked');
      assert.ok(hit.scores.relevance > 0 && hit.scores.relevance < 1);
      assert.equal(hit.scores.relevance, hit.ranking.relevance);
      const total = hit.ranking.contributions.reduce((sum, entry) => sum + entry.contribution, 0);
      assert.ok(Math.abs(total - hit.ranking.score) < 1e-9, 'the contributions add up to the score');
    }
    assert.ok(hits[0]!.ranking!.contributions.some((entry) => entry.feature === 'definesExact'));
    for (let place = 1; place < hits.length; place++) assert.ok(hits[place - 1]!.scores.relevance >= hits[place]!.scores.relevance);
  });

  it('off, keeps the fused order and the fused relevance, with no explanation', async () => {
    const { hits } = await index.search('Command', { k: 5, ranking: false });
    assert.ok(hits.length > 0);
    for (const hit of hits) assert.equal(hit.ranking, undefined);
    assert.ok(hits.every((hit) => hit.scores.relevance <= 1));
  });
});
