import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { evaluationLocations, type ModelSettings } from '../../../extension/host/model-choice.ts';

const model = (overrides: Partial<ModelSettings>): { model: ModelSettings } => ({ model: { name: 'use-lite', path: '', pathFromWorkspace: false, quantization: 'int8', ...overrides } });

test('the evaluation looks in the extension\'s models, its storage, and the settings\' model folder when the workspace may name it', () => {
  const locations = { extensionPath: '/ext', storageDirectory: '/storage', trusted: true };
  assert.deepEqual(evaluationLocations(model({}), locations), { bundledModelsDirectory: path.join('/ext', 'models'), storageDirectory: '/storage', quantization: 'int8' });
  assert.equal(evaluationLocations(model({ name: 'custom', path: '/models/mine' }), locations).customDirectory, '/models/mine');
  assert.equal(evaluationLocations(model({ name: 'custom', path: '/models/mine', pathFromWorkspace: true }), { ...locations, trusted: false }).customDirectory, undefined, 'an untrusted workspace does not choose a folder');
  assert.equal(evaluationLocations(model({ name: 'use-lite', path: '/models/mine' }), locations).customDirectory, undefined, 'the path counts only with the model "custom"');
  assert.equal(evaluationLocations(model({ quantization: 'fp32' }), { extensionPath: '/ext', trusted: true }).storageDirectory, undefined);
});
