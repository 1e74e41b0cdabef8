import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conciseProviderError, providerPlan } from '../../../extension/core/embedding/providers.ts';

const all = new Set(['cpu', 'webgpu', 'cuda', 'dml', 'coreml']);
const libraries = (present: boolean) => () => present;

test('cpu never tries a GPU', () => {
  assert.deepEqual(providerPlan('cpu', 'linux', all, libraries(true)), { providers: ['cpu'], skipped: [] });
});

test('each platform tries its own GPU providers first and always ends with the CPU', () => {
  assert.deepEqual(providerPlan('gpu', 'linux', all, libraries(true)).providers, ['cuda', 'webgpu', 'cpu']);
  assert.deepEqual(providerPlan('gpu', 'win32', all, libraries(true)).providers, ['dml', 'webgpu', 'cpu']);
  assert.deepEqual(providerPlan('gpu', 'darwin', all, libraries(true)).providers, ['coreml', 'webgpu', 'cpu']);
});

test('missing providers and libraries are skipped with a reason', () => {
  const plan = providerPlan('auto', 'linux', new Set(['cpu', 'webgpu']), libraries(false));
  assert.deepEqual(plan.providers, ['cpu']);
  assert.deepEqual(plan.skipped.map((attempt) => attempt.provider), ['cuda', 'webgpu']);
  assert.match(plan.skipped[0]!.error, /does not include the cuda provider/);
  assert.match(plan.skipped[1]!.error, /libvulkan\.so\.1/);
});

test('auto keeps int8 models off WebGPU, where they were measured slower; gpu still tries it', () => {
  assert.deepEqual(providerPlan('auto', 'linux', all, libraries(true), 'int8').providers, ['cuda', 'cpu']);
  assert.match(providerPlan('auto', 'linux', all, libraries(true), 'int8').skipped[0]!.error, /int8 models run faster on the CPU/);
  assert.deepEqual(providerPlan('gpu', 'linux', all, libraries(true), 'int8').providers, ['cuda', 'webgpu', 'cpu']);
  assert.deepEqual(providerPlan('auto', 'linux', all, libraries(true), 'fp32').providers, ['cuda', 'webgpu', 'cpu']);
});

test('onnxruntime errors are cut to the part a user can read', () => {
  const raw = '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(...)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\nstack';
  assert.equal(conciseProviderError(raw), 'Failed to get a WebGPU adapter: No supported adapters');
});
