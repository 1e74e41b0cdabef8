// Secrets are never indexed by default: a workspace with dotenv files, SSH and TLS keys, a `.gitignore`d
// folder of credentials and a `.git` folder is indexed; each of those files holds a word found nowhere else,
// and neither a lexical search for the word nor the index database's bytes know it, while the one ordinary
// file's word is found. The status counts each skipped file by its reason.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { writeCorpus } from '../indexing/corpus.ts';
import { semsearch } from '../cli/run-cli.ts';

const ORDINARY = { 'src/billing.py': 'def charge(card):\n    """Charges the card: quillfeather."""\n    return card\n' };
/** Each file's secret word, by path. */
const SECRETS: Record<string, string> = {
  '.env': 'API_TOKEN=zorbluxenvword\n',
  '.env.local': 'DATABASE_PASSWORD=plinkethlocalword\n',
  'config/.env.production': 'STRIPE_KEY=vextramproductionword\n',
  'deploy/id_rsa': '-----BEGIN OPENSSH PRIVATE KEY-----\nqworvanrsaword\n-----END OPENSSH PRIVATE KEY-----\n',
  'deploy/id_ed25519.pub': 'ssh-ed25519 AAAAC3 grimbalpublickeyword\n',
  'certs/server.pem': '-----BEGIN PRIVATE KEY-----\nfennodrapemword\n-----END PRIVATE KEY-----\n',
  'certs/server.key': 'jostrelkeyword\n',
  'secrets/prod.txt': 'password: yandrisignoredword\n',
  'secrets/notes.md': '# Vault\n\nthe master password is brovquilignoredword\n',
  '.git/config': '[remote "origin"]\n\turl = https://kestramgitword@example.com/repo.git\n',
  '.git/HEAD': 'ref: refs/heads/wumpelgitword\n',
};

test('dotenv files, keys, .gitignored and .git files are skipped by reason and not findable', () => {
  const workspace = writeCorpus({ ...ORDINARY, ...SECRETS, '.gitignore': 'secrets/\n' });
  const indexed = semsearch('index', workspace, '--model', 'glove-100d', '--quantization', 'fp32');
  assert.equal(indexed.code, 0, indexed.stderr);

  const queries = path.join(workspace, '..', `${path.basename(workspace)}-queries.jsonl`);
  const words = Object.values(SECRETS).map((content) => /(\w+word)\b/.exec(content)![1]!);
  writeFileSync(queries, [...words, 'quillfeather'].map((query, id) => JSON.stringify({ id, query })).join('\n'));
  const out = `${queries}.out`;
  const searched = semsearch('search', '--batch', queries, '--dir', workspace, '--mode', 'lexical', '--k', '20', '--out', out);
  assert.equal(searched.code, 0, searched.stderr);
  const answers = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: number; results: { path: string }[] });
  assert.deepEqual(answers.at(-1)!.results.map((result) => result.path), ['src/billing.py'], 'the ordinary file is found by its word');
  for (const answer of answers.slice(0, -1)) assert.deepEqual(answer.results, [], `nothing found for ${words[answer.id]}`);

  const status = semsearch('status', workspace, '--json');
  assert.equal(status.code, 0, status.stderr);
  const { files, databasePath, skips } = JSON.parse(status.stdout) as { files: number; databasePath: string; skips: { reason: string; count: number; examples: string[] }[] };
  assert.equal(files, 2, 'src/billing.py and .gitignore');
  const byReason = new Map(skips.map((skip) => [skip.reason, skip]));
  assert.deepEqual([...byReason.keys()].sort(), ['excluded', 'ignored', 'secret']);
  // Seven files match the secret patterns; the status lists a few of them as examples.
  const secretFiles = Object.keys(SECRETS).filter((file) => !file.startsWith('secrets/') && !file.startsWith('.git/'));
  assert.equal(byReason.get('secret')!.count, secretFiles.length);
  assert.ok(byReason.get('secret')!.examples.length > 0 && byReason.get('secret')!.examples.every((example) => secretFiles.includes(example)), byReason.get('secret')!.examples.join(', '));
  // A skipped folder counts once, under its own name.
  assert.deepEqual(byReason.get('ignored'), { reason: 'ignored', count: 1, examples: ['secrets'] });
  assert.deepEqual(byReason.get('excluded'), { reason: 'excluded', count: 1, examples: ['.git'] });

  // The bytes of the index itself: no secret word in the database or its write-ahead log.
  for (const file of [databasePath, `${databasePath}-wal`].filter((candidate) => existsSync(candidate))) {
    const bytes = readFileSync(file);
    for (const word of words) assert.equal(bytes.includes(word), false, `${word} is in ${path.basename(file)}`);
  }
  assert.ok(readFileSync(databasePath).includes('quillfeather') || readFileSync(`${databasePath}-wal`).includes('quillfeather'), 'the scan can see indexed text');
});

test('an --include that names secret files does not bring them in', () => {
  const workspace = writeCorpus({ ...ORDINARY, '.env': SECRETS['.env']!, 'certs/server.pem': SECRETS['certs/server.pem']! });
  const indexed = semsearch('index', workspace, '--model', 'glove-100d', '--quantization', 'fp32', '--include', '**/.env', '--include', '**/*.pem', '--include', '**/*.py');
  assert.equal(indexed.code, 0, indexed.stderr);
  const status = JSON.parse(semsearch('status', workspace, '--json').stdout) as { files: number; skips: { reason: string; count: number }[] };
  assert.equal(status.files, 1);
  assert.deepEqual(status.skips.map(({ reason, count }) => ({ reason, count })), [{ reason: 'secret', count: 2 }]);
});
