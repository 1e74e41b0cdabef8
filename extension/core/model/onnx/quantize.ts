// Dynamic int8 quantization of a float graph, done on our own graph form so the output is
// deterministic and needs no Python:
// - `MatMul(x, W)` with a constant 2-D W becomes DynamicQuantizeLinear(x) + MatMulInteger with W
//   quantized per output column (symmetric int8), then one rescale. Activations are quantized at run
//   time (uint8 with a zero point), which is what onnxruntime's dynamic quantization does too.
//   With `matMulWeightType: 'uint8'` the same symmetric weights are stored shifted by 128 (see below).
// - `Gather(E, ids)` with a large constant 2-D table E (an embedding table) keeps E as int8 with one
//   scale per row, and dequantizes only the gathered rows.
import { DataType } from './proto.ts';
import { GraphBuilder, attr, type Graph, type GraphNode, type Model, type Tensor } from './graph.ts';

export interface QuantizeOptions {
  /** Only weights with at least this many elements are quantized; small ones cost more than they save. */
  minimumElements?: number;
  /**
   * How MatMul weights are stored. `int8` (the default) feeds onnxruntime's u8s8 kernels, which on x86
   * CPUs without VNNI (AVX2 only) add pairs of u8*s8 products in saturating int16 and can lose a lot
   * of accuracy (USE lite: cosine 0.95 to fp32). `uint8` stores the same symmetric values shifted by
   * a zero point of 128, so onnxruntime picks its u8u8 kernels, which do not saturate; same precision.
   */
  matMulWeightType?: 'int8' | 'uint8';
}

/** Returns a new model with MatMul weights and embedding tables in int8. The input is not changed. */
export function quantizeDynamic(model: Model, options: QuantizeOptions = {}): Model {
  const minimumElements = options.minimumElements ?? 4096;
  const matMulWeightType = options.matMulWeightType ?? 'int8';
  const source = model.graph;
  const builder = new GraphBuilder(source.name, 'quantized_');
  const target = builder.graph;
  target.inputs.push(...source.inputs);
  target.outputs.push(...source.outputs);
  for (const [name, tensor] of source.initializers) target.initializers.set(name, tensor);
  const quantizedWeights = new Map<string, QuantizedWeight>();
  let weightZeroPoint: string | undefined;

  for (const node of source.nodes) {
    const weightName = quantizableWeight(node, source, minimumElements);
    if (weightName === undefined) {
      target.nodes.push(node);
      continue;
    }
    const weight = source.initializers.get(weightName)!;
    const perColumn = node.opType === 'MatMul';
    let quantized = quantizedWeights.get(weightName);
    if (!quantized) {
      const { values, scales } = quantizeSymmetric(weight, perColumn ? 'columns' : 'rows');
      if (perColumn && matMulWeightType === 'uint8') {
        weightZeroPoint ??= builder.constant('weight_zero_point', {
          dataType: DataType.UINT8,
          dims: [],
          values: Uint8Array.of(128),
        });
        quantized = {
          values: builder.constant(`${weightName}_uint8`, shiftToUint8(values)),
          scales: builder.constant(`${weightName}_scale`, scales),
          zeroPoint: weightZeroPoint,
        };
      } else {
        quantized = {
          values: builder.constant(`${weightName}_int8`, values),
          scales: builder.constant(`${weightName}_scale`, scales),
        };
      }
      quantizedWeights.set(weightName, quantized);
    }
    if (perColumn) emitQuantizedMatMul(builder, node, quantized);
    else emitQuantizedGather(builder, node, quantized);
  }

  // A float weight that only quantized nodes used is gone now; one that something else reads stays.
  const consumers = countConsumers(target);
  for (const name of [...target.initializers.keys()]) {
    if (!consumers.has(name)) target.initializers.delete(name);
  }
  return { ...model, graph: target, metadata: { ...model.metadata, quantization: 'int8-dynamic' } };
}

function countConsumers(graph: Graph): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of graph.nodes) for (const input of node.inputs) counts.set(input, (counts.get(input) ?? 0) + 1);
  for (const output of graph.outputs) counts.set(output.name, (counts.get(output.name) ?? 0) + 1);
  return counts;
}

function quantizableWeight(node: GraphNode, graph: Graph, minimumElements: number): string | undefined {
  const weightName = node.opType === 'MatMul' ? node.inputs[1] : node.opType === 'Gather' ? node.inputs[0] : undefined;
  if (weightName === undefined) return undefined;
  const weight = graph.initializers.get(weightName);
  if (!weight || weight.dataType !== DataType.FLOAT || weight.dims.length !== 2) return undefined;
  if (weight.values.length < minimumElements) return undefined;
  if (node.opType === 'Gather' && (node.attributes.axis?.value ?? 0) !== 0) return undefined;
  return weightName;
}

/** Symmetric int8 quantization with one scale per row or per column of a 2-D float tensor. */
export function quantizeSymmetric(weight: Tensor, along: 'rows' | 'columns'): { values: Tensor; scales: Tensor } {
  const [rows, columns] = weight.dims as [number, number];
  const source = weight.values as Float32Array;
  const groups = along === 'rows' ? rows : columns;
  const maxima = new Float32Array(groups);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const group = along === 'rows' ? row : column;
      const magnitude = Math.abs(source[row * columns + column]!);
      if (magnitude > maxima[group]!) maxima[group] = magnitude;
    }
  }
  // A group of zeros keeps scale 1 so dequantization never divides by zero.
  const scales = Float32Array.from(maxima, (maximum) => (maximum > 0 ? maximum / 127 : 1));
  const quantized = new Int8Array(source.length);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const scale = scales[along === 'rows' ? row : column]!;
      const index = row * columns + column;
      quantized[index] = Math.max(-127, Math.min(127, Math.round(source[index]! / scale)));
    }
  }
  return {
    values: { dataType: DataType.INT8, dims: [rows, columns], values: quantized },
    scales: { dataType: DataType.FLOAT, dims: [groups], values: scales },
  };
}

/** Symmetric int8 values stored as uint8 with zero point 128 (same numbers, another kernel). */
function shiftToUint8(values: Tensor): Tensor {
  return { dataType: DataType.UINT8, dims: values.dims, values: Uint8Array.from(values.values as Int8Array, (value) => value + 128) };
}

interface QuantizedWeight {
  values: string;
  scales: string;
  /** The weights' zero point, when they are stored as uint8. */
  zeroPoint?: string;
}

function emitQuantizedMatMul(builder: GraphBuilder, node: GraphNode, weight: QuantizedWeight): void {
  const input = node.inputs[0]!;
  const [inputQuantized, inputScale, inputZeroPoint] = builder.nodeWithOutputs('DynamicQuantizeLinear', [input], 3);
  const integerInputs = [inputQuantized!, weight.values, inputZeroPoint!];
  if (weight.zeroPoint) integerInputs.push(weight.zeroPoint);
  const product = builder.node('MatMulInteger', integerInputs);
  const productFloat = builder.node('Cast', [product], { to: attr.int(DataType.FLOAT) });
  const scale = builder.node('Mul', [inputScale!, weight.scales]);
  builder.node('Mul', [productFloat, scale], {}, node.outputs[0]);
}

function emitQuantizedGather(builder: GraphBuilder, node: GraphNode, table: QuantizedWeight): void {
  const indices = node.inputs[1]!;
  const rows = builder.node('Gather', [table.values, indices], { axis: attr.int(0) });
  const rowsFloat = builder.node('Cast', [rows], { to: attr.int(DataType.FLOAT) });
  const rowScales = builder.node('Gather', [table.scales, indices], { axis: attr.int(0) });
  const lastAxis = builder.int64s('last_axis', [-1]);
  const rowScalesColumn = builder.node('Unsqueeze', [rowScales, lastAxis]);
  builder.node('Mul', [rowsFloat, rowScalesColumn], {}, node.outputs[0]);
}
