// Matrix ops of the TF.js graph translation (tfjs-graph.ts): MatMul, BatchMatMul and 1x1 Conv2D, with constant
// weights pre-transposed so that `quantizeDynamic` sees `MatMul(x, W)`.
import { attr } from '../onnx/graph.ts';
import { CoreError } from '../../errors.ts';
import type { TfNode, Translator } from './tfjs-graph.ts';
import { broadcastShapes, type StaticDim, type TranslatedValue } from './tfjs-values.ts';

export function matMul(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 2);
  let [a, b] = inputs as [TranslatedValue, TranslatedValue];
  if (node.attr.transpose_a?.b === true) a = transposeLastTwo(t, a, node);
  if (node.attr.transpose_b?.b === true) {
    // A constant weight is transposed now, so the product stays MatMul(x, W) for the quantizer.
    b = b.constant && b.kind === 'float' ? transposeConstant(b, `${b.constantName ?? 'weight'}/transposed`) : transposeLastTwo(t, b, node);
  }
  const name = t.emit('MatMul', [t.materialize(a), t.materialize(b)], {}, node.name);
  return t.result(name, a.kind, a.shape && b.shape ? [a.shape[0]!, b.shape[1]!] : undefined);
}

export function batchMatMul(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 2);
  let [a, b] = inputs as [TranslatedValue, TranslatedValue];
  if (node.attr.adj_x?.b === true) a = transposeLastTwo(t, a, node);
  if (node.attr.adj_y?.b === true) b = transposeLastTwo(t, b, node);
  const name = t.emit('MatMul', [t.materialize(a), t.materialize(b)], {}, node.name);
  let shape: StaticDim[] | undefined;
  if (a.shape && b.shape && a.shape.length >= 2 && b.shape.length >= 2) {
    shape = [...(broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2)) ?? []), a.shape.at(-2)!, b.shape.at(-1)!];
  }
  return t.result(name, a.kind, shape);
}

/** A 1x1, stride-1 NHWC Conv2D is a MatMul over the channel axis with the kernel as [Cin, Cout]. */
export function conv2d(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 2);
  const [x, kernel] = inputs as [TranslatedValue, TranslatedValue];
  const format = t.attrString(node, 'data_format') ?? 'NHWC';
  const padding = t.attrString(node, 'padding') ?? 'VALID';
  const strides = t.attrInts(node, 'strides') ?? [1, 1, 1, 1];
  const dilations = t.attrInts(node, 'dilations') ?? [1, 1, 1, 1];
  if (format !== 'NHWC') t.unsupported(node, `data_format ${format}`);
  if (padding !== 'VALID' && padding !== 'SAME') t.unsupported(node, `padding ${padding}`);
  if (strides.some((stride) => stride !== 1) || dilations.some((dilation) => dilation !== 1)) {
    t.unsupported(node, 'strides or dilations other than 1');
  }
  if (!kernel.constant || kernel.kind !== 'float') t.unsupported(node, 'a kernel that is not a float constant');
  const [height, width, inChannels, outChannels] = kernel.constant.dims as [number, number, number, number];
  if (kernel.constant.dims.length !== 4 || height !== 1 || width !== 1) {
    t.unsupported(node, `kernel shape [${kernel.constant.dims.join(', ')}]; only 1x1 kernels are supported`);
  }
  const matrix: TranslatedValue = {
    kind: 'float',
    shape: [inChannels, outChannels],
    constant: { dims: [inChannels, outChannels], values: kernel.constant.values },
    constantName: `${kernel.constantName ?? 'kernel'}/matrix`,
  };
  const name = t.emit('MatMul', [t.materialize(x), t.materialize(matrix)], {}, node.name);
  return t.result(name, 'float', x.shape ? [...x.shape.slice(0, -1), outChannels] : undefined);
}

export function transposeLastTwo(t: Translator, value: TranslatedValue, node: TfNode): TranslatedValue {
  const rank = value.shape?.length;
  if (rank === undefined || rank < 2) t.unsupported(node, 'transposing an operand of unknown rank');
  const perm = [...Array.from({ length: rank - 2 }, (_, index) => index), rank - 1, rank - 2];
  const name = t.emit('Transpose', [t.materialize(value)], { perm: attr.ints(perm) });
  return { kind: value.kind, name, shape: perm.map((axis) => value.shape![axis]!) };
}

function transposeConstant(value: TranslatedValue, name: string): TranslatedValue {
  const [rows, columns] = value.constant!.dims as [number, number];
  if (value.constant!.dims.length !== 2) {
    throw new CoreError('conversion', 'unsupported', `Cannot pre-transpose constant ${name} of rank ${value.constant!.dims.length}`);
  }
  const source = value.constant!.values as Float32Array;
  const target = new Float32Array(source.length);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) target[column * rows + row] = source[row * columns + column]!;
  }
  return { kind: 'float', shape: [columns, rows], constant: { dims: [columns, rows], values: target }, constantName: name };
}
