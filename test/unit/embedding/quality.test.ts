// Honest quality checks on the real offline models: a query must score higher against the code or
// text that does what it says than against unrelated text. These are not tuned to pass; a model that
// ranks by chance fails several of them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EmbeddingRuntime } from '../../../extension/core/embedding/runtime.ts';
import { cosine, offlineModel } from '../../helpers/models.ts';

interface Triple {
  query: string;
  relevant: string;
  unrelated: string;
}

const TRIPLES: Triple[] = [
  {
    query: 'read a file from disk',
    relevant: 'function loadConfig(path) {\n  const text = fs.readFileSync(path, "utf8");\n  return JSON.parse(text);\n}',
    unrelated: 'function drawCircle(ctx, x, y, radius) {\n  ctx.beginPath();\n  ctx.arc(x, y, radius, 0, 2 * Math.PI);\n  ctx.stroke();\n}',
  },
  {
    query: 'sort users by age',
    relevant: 'def sort_users_by_age(users):\n    return sorted(users, key=lambda user: user.age)',
    unrelated: 'def send_email(recipient, subject, body):\n    smtp = smtplib.SMTP("localhost")\n    smtp.sendmail("me", recipient, body)',
  },
  {
    query: 'send an http request and parse the json response',
    relevant: 'async function fetchUser(id) {\n  const response = await fetch(`/api/users/${id}`);\n  return await response.json();\n}',
    unrelated: 'for (let row = 0; row < matrix.length; row++) {\n  matrix[row].fill(0);\n}',
  },
  {
    query: 'how do I install the package',
    relevant: '## Installation\n\nInstall the package with npm:\n\n    npm install my-package\n\nThen import it in your project.',
    unrelated: '## License\n\nThis project is licensed under the MIT license. See the LICENSE file for the full text.',
  },
  {
    query: 'connect to the database',
    relevant: 'func OpenDatabase(dsn string) (*sql.DB, error) {\n\tdb, err := sql.Open("postgres", dsn)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn db, db.Ping()\n}',
    unrelated: 'func Reverse(s string) string {\n\trunes := []rune(s)\n\tfor i, j := 0, len(runes)-1; i < j; i, j = i+1, j-1 {\n\t\trunes[i], runes[j] = runes[j], runes[i]\n\t}\n\treturn string(runes)\n}',
  },
  {
    query: 'the weather forecast for tomorrow',
    relevant: 'Tomorrow will be cloudy in the morning with rain expected in the afternoon and temperatures around twelve degrees.',
    unrelated: 'The quarterly report shows revenue growth in the software division and lower costs in manufacturing.',
  },
];

const MODELS = ['use-lite', 'glove-100d'] as const;

for (const name of MODELS) {
  for (const quantization of ['fp32', 'int8'] as const) {
    describe(`${name} (${quantization}) ranks the relevant text above the unrelated one`, () => {
      test('for every query', async () => {
        const runtime = await EmbeddingRuntime.load({ modelDirectory: offlineModel(name), device: 'cpu', threads: 1, quantization });
        try {
          const failures: string[] = [];
          for (const triple of TRIPLES) {
            const [query] = (await runtime.embed([triple.query], 'query')).vectors;
            const [relevant, unrelated] = (await runtime.embed([triple.relevant, triple.unrelated], 'document')).vectors;
            const relevantScore = cosine(query!, relevant!);
            const unrelatedScore = cosine(query!, unrelated!);
            if (!(relevantScore > unrelatedScore)) failures.push(`"${triple.query}": relevant ${relevantScore.toFixed(3)} <= unrelated ${unrelatedScore.toFixed(3)}`);
          }
          assert.deepEqual(failures, []);
        } finally {
          await runtime.dispose();
        }
      });
    });
  }
}
