import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbeddingRuntime } from '../../../../extension/core/embedding/runtime.ts';
import { buildCodeStatic, codeStaticReleaseDirectory } from '../../../../extension/core/model/convert/code-static.ts';
import { describeModel } from '../../../../extension/core/model/onnx/graph.ts';
import { readRelease } from '../../../../extension/core/training/release.ts';
import { StaticEmbedder } from '../../../../extension/core/training/static-embedder.ts';
import { cosine } from '../../../helpers/models.ts';

const TEXTS = [
  'parse cookies from a header',
  'def extract_cookies_to_jar(jar, request, response):\n    if not hasattr(response, "_original_response"):\n        return\n    jar.extract_cookies(response, request)',
  'func (group *RouterGroup) Handle(httpMethod, relativePath string, handlers ...HandlerFunc) IRoutes {',
  '## Configure the proxy server\n\nSet HTTP_PROXY before starting the server.',
  'café ﬁle ２５６ 中文 !!!',
];

describe('code-static', () => {
  let directory: string;
  const release = readRelease(codeStaticReleaseDirectory());
  before(async () => {
    directory = path.join(await mkdtemp(path.join(os.tmpdir(), 'code-static-')), 'code-static');
    await buildCodeStatic(directory);
  });
  after(async () => rm(path.dirname(directory), { recursive: true, force: true }));

  test('the manifest declares the window and the Matryoshka dimensions the model was trained for', () => {
    const manifest = JSON.parse(readFileSync(path.join(directory, 'semsearch-manifest.json'), 'utf8'));
    assert.equal(manifest.matryoshka, true);
    assert.deepEqual(manifest.matryoshkaDimensions, release.metadata.levels);
    assert.equal(manifest.dimensions, release.metadata.dimensions);
    assert.equal(manifest.maxTokens, release.metadata.maxTokens);
    assert.equal(manifest.pooling, 'none');
  });

  test('the graph is Gather, a masked sum and an L2 norm; int8 keeps the table as int8 with a scale per row', () => {
    const fp32 = describeModel(readFileSync(path.join(directory, 'onnx', 'model.onnx')));
    assert.equal(fp32.opTypes.get('Gather'), 1);
    assert.ok(fp32.opTypes.has('ReduceSum') && fp32.opTypes.has('Sqrt'));
    const int8 = describeModel(readFileSync(path.join(directory, 'onnx', 'model_quantized.onnx')));
    const table = int8.initializers.find((initializer) => initializer.dims[0] === release.metadata.vocabularySize && initializer.dims[1] === release.metadata.dimensions)!;
    assert.equal(table.dataType, 3, 'INT8');
  });

  test('onnxruntime with tokenizer.json gives the TypeScript embedder\'s vectors, fp32 and int8', async () => {
    const embedder = StaticEmbedder.fromRelease(release);
    const expected = embedder.embed(TEXTS);
    const D = release.metadata.dimensions;
    for (const quantization of ['fp32', 'int8'] as const) {
      // onnxruntime itself: by default the runtime computes this model's table without it (static-table.ts).
      const runtime = await EmbeddingRuntime.load({ modelDirectory: directory, quantization, device: 'cpu', threads: 1, backend: 'onnxruntime' });
      try {
        assert.equal(runtime.info.backend, 'onnxruntime');
        const { vectors } = await runtime.embed(TEXTS, 'document');
        TEXTS.forEach((text, index) => {
          const similarity = cosine(vectors[index]!, expected.subarray(index * D, (index + 1) * D));
          assert.ok(similarity > 0.9999, `${quantization} ${JSON.stringify(text)}: cosine ${similarity}`);
        });
      } finally {
        await runtime.dispose();
      }
    }
  });
});
