// Shape ops of the TF.js graph translation (tfjs-graph.ts): Reshape, ExpandDims, Squeeze, Transpose, ConcatV2, Pack.
import { attr } from '../onnx/graph.ts';
import type { TfNode, Translator } from './tfjs-graph.ts';
import { normalizeAxis, type StaticDim, type TranslatedValue } from './tfjs-values.ts';

export function reshape(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 2);
  const [x, target] = inputs as [TranslatedValue, TranslatedValue];
  let shape: StaticDim[] | undefined;
  if (target.constant) {
    const dims = Array.from(target.constant.values, Number);
    const known = dims.filter((dim) => dim !== -1);
    const total = x.shape && x.shape.every((dim) => dim !== null) ? (x.shape as number[]).reduce((a, b) => a * b, 1) : null;
    const product = known.reduce((a, b) => a * b, 1);
    shape = dims.map((dim) => (dim === -1 ? (total !== null && product > 0 ? total / product : null) : dim));
  } else if (target.shape?.length === 1 && target.shape[0] !== null) {
    shape = new Array<StaticDim>(target.shape[0]).fill(null);
  }
  // allowzero=1: a 0 in a TF shape means an empty dimension, not "copy the input's dimension".
  const name = t.emit('Reshape', [t.materialize(x), t.materialize(target)], { allowzero: attr.int(1) }, node.name);
  return t.result(name, x.kind, shape);
}

export function expandDims(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 2);
  const [x, dimValue] = inputs as [TranslatedValue, TranslatedValue];
  const [dim] = t.constantInts(dimValue, node, 'dim');
  const outputRank = x.shape ? x.shape.length + 1 : undefined;
  // Negative dims count from the end of the output, in TF as in ONNX Unsqueeze.
  const axis = normalizeAxis(dim!, outputRank, node.name);
  const name = t.emit('Unsqueeze', [t.materialize(x), t.int64([axis])], {}, node.name);
  const shape = x.shape ? [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)] : undefined;
  return t.result(name, x.kind, shape);
}

export function squeeze(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 1);
  const x = inputs[0]!;
  const dims = t.attrInts(node, 'squeeze_dims') ?? t.attrInts(node, 'axis') ?? [];
  if (dims.length === 0) {
    if (!x.shape || x.shape.includes(null)) t.unsupported(node, 'squeezing every size-1 dimension of a tensor with unknown dimensions');
    const axes = x.shape.flatMap((dim, axis) => (dim === 1 ? [axis] : []));
    const name = t.emit('Squeeze', [t.materialize(x), t.int64(axes)], {}, node.name);
    return t.result(name, x.kind, x.shape.filter((dim) => dim !== 1));
  }
  const axes = dims.map((axis) => normalizeAxis(axis, x.shape?.length, node.name));
  const name = t.emit('Squeeze', [t.materialize(x), t.int64(axes)], {}, node.name);
  return t.result(name, x.kind, x.shape?.filter((_, axis) => !axes.includes(axis)));
}

export function transpose(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 2);
  const [x, permValue] = inputs as [TranslatedValue, TranslatedValue];
  const perm = t.constantInts(permValue, node, 'perm');
  const name = t.emit('Transpose', [t.materialize(x)], { perm: attr.ints(perm) }, node.name);
  return t.result(name, x.kind, x.shape ? perm.map((axis) => x.shape![axis]!) : undefined);
}

export function concat(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  const count = t.attrInt(node, 'N');
  t.expectInputs(node, inputs, count + 1);
  const parts = inputs.slice(0, count);
  const rank = parts.find((part) => part.shape)?.shape?.length;
  const axis = normalizeAxis(t.constantInts(inputs[count]!, node, 'axis')[0]!, rank, node.name);
  const name = t.emit('Concat', parts.map((part) => t.materialize(part)), { axis: attr.int(axis) }, node.name);
  let shape: StaticDim[] | undefined;
  if (parts.every((part) => part.shape)) {
    shape = parts[0]!.shape!.map((dim, index) => {
      const sizes: StaticDim[] = parts.map((part) => part.shape![index] ?? null);
      if (index !== axis) return sizes.find((size) => size !== null) ?? dim;
      return sizes.includes(null) ? null : (sizes as number[]).reduce((a, b) => a + b, 0);
    });
  }
  return t.result(name, parts[0]!.kind, shape);
}

export function pack(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  const count = t.attrInt(node, 'N');
  t.expectInputs(node, inputs, count);
  const first = inputs[0]!;
  const rank = first.shape?.length;
  const axis = normalizeAxis(t.attrInt(node, 'axis', 0), rank === undefined ? undefined : rank + 1, node.name);
  const axes = t.int64([axis]);
  const expanded = inputs.map((input) => t.emit('Unsqueeze', [t.materialize(input), axes]));
  const name = t.emit('Concat', expanded, { axis: attr.int(axis) }, node.name);
  const shape = first.shape ? [...first.shape.slice(0, axis), count, ...first.shape.slice(axis)] : undefined;
  return t.result(name, first.kind, shape);
}
