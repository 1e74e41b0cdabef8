// The TF-op -> ONNX translator on small hand-written TF graphs, run through onnxruntime and compared
// with what TensorFlow computes for the same ops.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { translateTfGraph, type TfAttrValue, type TfNode, type TfWeight, type TfjsGraphModel } from '../../../../extension/core/model/convert/tfjs-graph.ts';
import type { ElementKind } from '../../../../extension/core/model/convert/tfjs-values.ts';
import { GraphBuilder, encodeModel } from '../../../../extension/core/model/onnx/graph.ts';
import { DataType } from '../../../../extension/core/model/onnx/proto.ts';
import { isCoreError } from '../../../../extension/core/errors.ts';

const FLOAT = { type: 1 };
const INT32 = { type: 3 };
const BOOL = { type: 10 };

interface GraphSpec {
  nodes: TfNode[];
  weights: TfWeight[];
}

function node(name: string, op: string, input: string[], attr: Record<string, TfAttrValue> = {}): TfNode {
  return { name, op, input, attr };
}

function constant(spec: GraphSpec, name: string, dtype: 'float32' | 'int32', shape: number[], values: number[]): string {
  spec.nodes.push(node(name, 'Const', [], { dtype: dtype === 'float32' ? FLOAT : INT32 }));
  spec.weights.push({ name, dtype, shape, values: dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values) });
  return name;
}

interface Feed {
  name: string;
  kind: ElementKind;
  dims: number[];
  data: number[];
}

function ortTensor(feed: Feed): ort.Tensor {
  if (feed.kind === 'float') return new ort.Tensor('float32', Float32Array.from(feed.data), feed.dims);
  if (feed.kind === 'int') return new ort.Tensor('int64', BigInt64Array.from(feed.data, BigInt), feed.dims);
  return new ort.Tensor('bool', Uint8Array.from(feed.data), feed.dims);
}

/** Translates `spec` with the feeds as placeholders, runs it, and returns each output's dims and values. */
async function run(spec: GraphSpec, feeds: Feed[], outputs: string[]): Promise<{ dims: readonly number[]; values: number[] }[]> {
  const model: TfjsGraphModel = { nodes: spec.nodes, weights: new Map(spec.weights.map((weight) => [weight.name, weight])) };
  const builder = new GraphBuilder('test');
  const inputs = Object.fromEntries(
    feeds.map((feed) => {
      const elemType = feed.kind === 'float' ? DataType.FLOAT : feed.kind === 'int' ? DataType.INT64 : DataType.BOOL;
      builder.input(feed.name, elemType, feed.dims.map((_, axis) => `${feed.name}_${axis}`));
      return [feed.name, { kind: feed.kind, name: feed.name, shape: feed.dims.map(() => null) }];
    }),
  );
  const results = translateTfGraph(model, builder, { inputs, outputs });
  results.forEach((result, index) => {
    const elemType = result.kind === 'float' ? DataType.FLOAT : result.kind === 'int' ? DataType.INT64 : DataType.BOOL;
    builder.node('Identity', [result.name!], {}, `output_${index}`);
    builder.output(`output_${index}`, elemType, (result.shape ?? []).map((_, axis) => `output_${index}_${axis}`));
  });
  const bytes = encodeModel({ graph: builder.graph, opsetVersion: 18, producerName: 'test', producerVersion: '0', metadata: {} });
  const session = await ort.InferenceSession.create(bytes);
  const outputsByName = await session.run(Object.fromEntries(feeds.map((feed) => [feed.name, ortTensor(feed)])));
  return results.map((_, index) => {
    const tensor = outputsByName[`output_${index}`]!;
    return { dims: tensor.dims, values: Array.from(tensor.data as ArrayLike<number | bigint>, Number) };
  });
}

const MATRIX = { name: 'x', kind: 'float' as const, dims: [3, 4], data: [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23] };
const X = node('x', 'Placeholder', [], { dtype: FLOAT });

function stridedSlice(begin: number[], end: number[], strides: number[], masks: Record<string, number>): GraphSpec {
  const spec: GraphSpec = { nodes: [X], weights: [] };
  const inputs = [
    'x',
    constant(spec, 'begin', 'int32', [begin.length], begin),
    constant(spec, 'end', 'int32', [end.length], end),
    constant(spec, 'strides', 'int32', [strides.length], strides),
  ];
  const attributes = Object.fromEntries(Object.entries(masks).map(([key, value]) => [key, { i: String(value) }]));
  spec.nodes.push(node('slice', 'StridedSlice', inputs, { T: FLOAT, ...attributes }));
  return spec;
}

describe('TF.js graph to ONNX', () => {
  test('StridedSlice: begin/end masks, shrink, new axis, negative strides and ellipsis follow TF', async () => {
    const cases: { spec: GraphSpec; dims: number[]; values: number[] }[] = [
      // x[:, 1:3]
      { spec: stridedSlice([0, 1], [0, 3], [1, 1], { begin_mask: 1, end_mask: 1 }), dims: [3, 2], values: [1, 2, 11, 12, 21, 22] },
      // x[:, 1]
      { spec: stridedSlice([0, 1], [0, 2], [1, 1], { begin_mask: 1, end_mask: 1, shrink_axis_mask: 2 }), dims: [3], values: [1, 11, 21] },
      // x[-1] (shrink with a negative index)
      { spec: stridedSlice([-1], [0], [1], { shrink_axis_mask: 1 }), dims: [4], values: [20, 21, 22, 23] },
      // x[::-1, ::2]
      { spec: stridedSlice([0, 0], [0, 0], [-1, 2], { begin_mask: 3, end_mask: 3 }), dims: [3, 2], values: [20, 22, 10, 12, 0, 2] },
      // x[..., 2]
      { spec: stridedSlice([0, 2], [0, 3], [1, 1], { ellipsis_mask: 1, shrink_axis_mask: 2 }), dims: [3], values: [2, 12, 22] },
      // x[tf.newaxis, 1:, -2:]
      { spec: stridedSlice([0, 1, -2], [0, 0, 0], [1, 1, 1], { new_axis_mask: 1, end_mask: 6 }), dims: [1, 2, 2], values: [12, 13, 22, 23] },
    ];
    for (const [index, { spec, dims, values }] of cases.entries()) {
      const [result] = await run(spec, [MATRIX], ['slice']);
      assert.deepEqual(result, { dims, values }, `case ${index}`);
    }
  });

  test('ScatterNd adds updates that share an index; SparseToDense fills the default value', async () => {
    const spec: GraphSpec = { nodes: [], weights: [] };
    constant(spec, 'indices', 'int32', [3, 1], [0, 2, 0]);
    constant(spec, 'updates', 'float32', [3], [1, 2, 3]);
    constant(spec, 'shape', 'int32', [1], [4]);
    spec.nodes.push(node('scatter', 'ScatterNd', ['indices', 'updates', 'shape'], { T: FLOAT, Tindices: INT32 }));
    constant(spec, 'sparse_indices', 'int32', [2, 2], [0, 1, 1, 0]);
    constant(spec, 'dense_shape', 'int32', [2], [2, 3]);
    constant(spec, 'sparse_values', 'int32', [2], [5, 6]);
    constant(spec, 'default', 'int32', [], [-1]);
    spec.nodes.push(node('dense', 'SparseToDense', ['sparse_indices', 'dense_shape', 'sparse_values', 'default'], { T: INT32 }));
    const [scattered, dense] = await run(spec, [], ['scatter', 'dense']);
    assert.deepEqual(scattered, { dims: [4], values: [4, 0, 2, 0] });
    assert.deepEqual(dense, { dims: [2, 3], values: [-1, 5, -1, 6, -1, -1] });
  });

  test('Where with one input lists the coordinates of true elements in row-major order', async () => {
    const spec: GraphSpec = { nodes: [node('mask', 'Placeholder', [], { dtype: BOOL }), node('where', 'Where', ['mask'], { T: BOOL })], weights: [] };
    const [coordinates] = await run(spec, [{ name: 'mask', kind: 'bool', dims: [2, 3], data: [0, 1, 1, 1, 0, 0] }], ['where']);
    assert.deepEqual(coordinates, { dims: [3, 2], values: [0, 1, 0, 2, 1, 0] });
  });

  test('BatchMatMul honours adj_y; SplitV, Pack, Prod and Cast keep TF semantics', async () => {
    const spec: GraphSpec = { nodes: [X], weights: [] };
    spec.nodes.push(node('product', 'BatchMatMul', ['x', 'x'], { T: FLOAT, adj_x: { b: false }, adj_y: { b: true } }));
    constant(spec, 'sizes', 'int32', [2], [1, -1]);
    constant(spec, 'axis', 'int32', [], [1]);
    spec.nodes.push(node('split', 'SplitV', ['x', 'sizes', 'axis'], { T: FLOAT, num_split: { i: '2' } }));
    spec.nodes.push(node('shape', 'Shape', ['split:1'], { T: FLOAT, out_type: INT32 }));
    constant(spec, 'first_axis', 'int32', [1], [0]);
    spec.nodes.push(node('count', 'Prod', ['shape', 'first_axis'], { T: INT32, keep_dims: { b: false } }));
    spec.nodes.push(node('pair', 'Pack', ['count', 'count'], { T: INT32, N: { i: '2' }, axis: { i: '0' } }));
    spec.nodes.push(node('as_float', 'Cast', ['pair'], { SrcT: INT32, DstT: FLOAT }));
    const known = { ...MATRIX, dims: [3, 4] };
    const [product, first, second, pair] = await run(spec, [known], ['product', 'split', 'split:1', 'as_float']);
    const rows = [0, 1, 2].map((row) => MATRIX.data.slice(row * 4, row * 4 + 4));
    const expected = rows.flatMap((a) => rows.map((b) => a.reduce((sum, value, k) => sum + value * b[k]!, 0)));
    assert.deepEqual(product, { dims: [3, 3], values: expected });
    assert.deepEqual(first, { dims: [3, 1], values: [0, 10, 20] });
    assert.deepEqual(second!.dims, [3, 3]);
    assert.deepEqual(pair, { dims: [2], values: [9, 9] });
  });

  test('an unsupported op or attribute fails with a typed error that names the node', () => {
    const translate = (spec: GraphSpec) =>
      translateTfGraph({ nodes: spec.nodes, weights: new Map(spec.weights.map((weight) => [weight.name, weight])) }, new GraphBuilder('test'), {
        inputs: { x: { kind: 'float', name: 'x', shape: [null, null] } },
        outputs: ['result'],
      });
    const unknownOp: GraphSpec = { nodes: [X, node('result', 'Cumsum', ['x'])], weights: [] };
    assert.throws(() => translate(unknownOp), (error) => isCoreError(error, 'conversion') && error.reason === 'unsupported' && /Cumsum result/.test(error.message));
    const wideKernel: GraphSpec = { nodes: [X], weights: [] };
    constant(wideKernel, 'kernel', 'float32', [3, 3, 1, 1], new Array(9).fill(1));
    wideKernel.nodes.push(node('result', 'Conv2D', ['x', 'kernel'], { T: FLOAT, padding: { s: Buffer.from('SAME').toString('base64') } }));
    assert.throws(() => translate(wideKernel), (error) => isCoreError(error, 'conversion') && /only 1x1 kernels/.test(error.message));
    const dynamicSlice: GraphSpec = { nodes: [X, node('begin', 'Placeholder', [], { dtype: INT32 })], weights: [] };
    dynamicSlice.nodes.push(node('result', 'StridedSlice', ['x', 'begin', 'begin', 'begin'], { T: FLOAT }));
    assert.throws(
      () =>
        translateTfGraph({ nodes: dynamicSlice.nodes, weights: new Map() }, new GraphBuilder('test'), {
          inputs: { x: { kind: 'float', name: 'x', shape: [null] }, begin: { kind: 'int', name: 'begin', shape: [1] } },
          outputs: ['result'],
        }),
      (error) => isCoreError(error, 'conversion') && /begin must be an integer constant/.test(error.message),
    );
  });
});
