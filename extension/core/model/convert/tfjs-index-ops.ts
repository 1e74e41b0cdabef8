// Indexing ops of the TF.js graph translation (tfjs-graph.ts): gathers, scatters, Where, slices, SplitV, Range.
import { DataType } from '../onnx/proto.ts';
import { attr } from '../onnx/graph.ts';
import { CoreError } from '../../errors.ts';
import type { TfNode, Translator } from './tfjs-graph.ts';
import { INT64_MAX, INT64_MIN, broadcastShapes, normalizeAxis, type StaticDim, type TranslatedValue } from './tfjs-values.ts';

export function gather(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 3);
  const [params, indices, axisValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
  if (t.attrInt(node, 'batch_dims', 0) !== 0) t.unsupported(node, 'batch_dims other than 0');
  const axis = normalizeAxis(t.constantInts(axisValue, node, 'axis')[0]!, params.shape?.length, node.name);
  const name = t.emit('Gather', [t.materialize(params), t.materialize(indices)], { axis: attr.int(axis) }, node.name);
  const shape =
    params.shape && indices.shape
      ? [...params.shape.slice(0, axis), ...indices.shape, ...params.shape.slice(axis + 1)]
      : undefined;
  return t.result(name, params.kind, shape);
}

export function gatherNd(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 2);
  const [params, indices] = inputs as [TranslatedValue, TranslatedValue];
  const name = t.emit('GatherND', [t.materialize(params), t.materialize(indices)], {}, node.name);
  const depth = indices.shape?.at(-1);
  const shape =
    params.shape && indices.shape && typeof depth === 'number'
      ? [...indices.shape.slice(0, -1), ...params.shape.slice(depth)]
      : undefined;
  return t.result(name, params.kind, shape);
}

/** TF ScatterNd adds updates that share an index into zeros: ScatterND(zeros, reduction='add'). */
export function scatterNd(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 3);
  const [indices, updates, shapeValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
  const zero = t.zeroTensor(updates.kind);
  const zeros = t.emit('ConstantOfShape', [t.materialize(shapeValue)], { value: attr.tensor(zero) });
  const name = t.emit(
    'ScatterND',
    [zeros, t.materialize(indices), t.materialize(updates)],
    { reduction: attr.string('add') },
    node.name,
  );
  return t.result(name, updates.kind, t.shapeFromVector(shapeValue));
}

/** TF SparseToDense: default_value everywhere, then the sparse values at their indices. */
export function sparseToDense(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 4);
  const [indices, outputShape, values, defaultValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue, TranslatedValue];
  if (!indices.shape || indices.shape.length > 2) t.unsupported(node, 'sparse_indices of unknown rank or rank above 2');
  if (values.shape?.length !== 1 && values.shape?.length !== 0) t.unsupported(node, 'sparse_values of unknown rank');
  // Rank-0 indices name one element of a 1-D output; rank-1 indices list elements of a 1-D output.
  let indicesName = t.materialize(indices);
  if (indices.shape.length === 0) indicesName = t.emit('Reshape', [indicesName, t.int64([1, 1])]);
  else if (indices.shape.length === 1) indicesName = t.emit('Unsqueeze', [indicesName, t.int64([1])]);
  let valuesName = t.materialize(values);
  if (values.shape.length === 0) {
    const count = t.emit('Slice', [t.emit('Shape', [indicesName]), t.int64([0]), t.int64([1])]);
    valuesName = t.emit('Expand', [valuesName, count]);
  }
  const filled = t.emit('Expand', [t.materialize(defaultValue), t.materialize(outputShape)]);
  const name = t.emit('ScatterND', [filled, indicesName, valuesName], {}, node.name);
  return t.result(name, values.kind, t.shapeFromVector(outputShape));
}

/** TF Where with one input lists the coordinates of true elements, like ONNX NonZero transposed. */
export function where(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  if (inputs.length === 3) {
    const [condition, a, b] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
    const name = t.emit('Where', [t.materialize(condition), t.materialize(a), t.materialize(b)], {}, node.name);
    return t.result(name, a.kind, broadcastShapes(condition.shape, broadcastShapes(a.shape, b.shape)));
  }
  t.expectInputs(node, inputs, 1);
  const condition = inputs[0]!;
  let conditionName = t.materialize(condition);
  if (condition.kind !== 'bool') conditionName = t.emit('Cast', [conditionName], { to: attr.int(DataType.BOOL) });
  const coordinates = t.emit('NonZero', [conditionName]);
  const name = t.emit('Transpose', [coordinates], { perm: attr.ints([1, 0]) }, node.name);
  return t.result(name, 'int', [null, condition.shape ? condition.shape.length : null]);
}

export function stridedSlice(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 4);
  const [x, beginValue, endValue, stridesValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue, TranslatedValue];
  const begin = t.constantInts(beginValue, node, 'begin');
  const end = t.constantInts(endValue, node, 'end');
  const strides = t.constantInts(stridesValue, node, 'strides');
  const beginMask = t.attrInt(node, 'begin_mask', 0);
  const endMask = t.attrInt(node, 'end_mask', 0);
  const ellipsisMask = t.attrInt(node, 'ellipsis_mask', 0);
  const newAxisMask = t.attrInt(node, 'new_axis_mask', 0);
  const shrinkMask = t.attrInt(node, 'shrink_axis_mask', 0);
  if (begin.length !== end.length || begin.length !== strides.length) {
    throw new CoreError('conversion', 'malformed', `StridedSlice ${node.name}: begin, end and strides differ in length`);
  }
  const rank = x.shape?.length;
  const bit = (mask: number, index: number): boolean => (mask & (1 << index)) !== 0;

  // Expand the sparse spec into one entry per input axis (plus new axes), as TF does.
  type Entry = { kind: 'new' } | { kind: 'full'; axis: number } | { kind: 'index'; axis: number; index: number } |
    { kind: 'range'; axis: number; start: bigint; end: bigint; step: number };
  const entries: Entry[] = [];
  let axis = 0;
  for (let index = 0; index < begin.length; index++) {
    if (bit(ellipsisMask, index)) {
      if (rank === undefined) t.unsupported(node, 'ellipsis_mask on a tensor of unknown rank');
      let laterAxes = 0;
      for (let later = index + 1; later < begin.length; later++) if (!bit(newAxisMask, later)) laterAxes++;
      const covered = rank - axis - laterAxes;
      for (let k = 0; k < covered; k++) entries.push({ kind: 'full', axis: axis++ });
      continue;
    }
    if (bit(newAxisMask, index)) {
      entries.push({ kind: 'new' });
      continue;
    }
    const step = strides[index]!;
    if (step === 0) throw new CoreError('conversion', 'malformed', `StridedSlice ${node.name}: stride 0`);
    if (bit(shrinkMask, index)) {
      entries.push({ kind: 'index', axis: axis++, index: begin[index]! });
      continue;
    }
    const start = bit(beginMask, index) ? (step > 0 ? 0n : INT64_MAX) : BigInt(begin[index]!);
    const stop = bit(endMask, index) ? (step > 0 ? INT64_MAX : INT64_MIN) : BigInt(end[index]!);
    if (bit(beginMask, index) && bit(endMask, index) && step === 1) entries.push({ kind: 'full', axis: axis++ });
    else entries.push({ kind: 'range', axis: axis++, start, end: stop, step });
  }
  if (rank !== undefined && axis > rank) t.unsupported(node, `slice spec covers ${axis} axes of a rank-${rank} tensor`);

  const starts: bigint[] = [];
  const ends: bigint[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  for (const entry of entries) {
    if (entry.kind === 'index') {
      starts.push(BigInt(entry.index));
      // index -1 must end at the end of the axis, not at 0.
      ends.push(entry.index === -1 ? INT64_MAX : BigInt(entry.index + 1));
      axes.push(entry.axis);
      steps.push(1);
    } else if (entry.kind === 'range') {
      starts.push(entry.start);
      ends.push(entry.end);
      axes.push(entry.axis);
      steps.push(entry.step);
    }
  }
  let current = t.materialize(x);
  const shrinkAxes = entries.flatMap((entry) => (entry.kind === 'index' ? [entry.axis] : []));
  const newAxes: number[] = [];
  let outputAxis = 0;
  for (const entry of entries) {
    if (entry.kind === 'new') newAxes.push(outputAxis++);
    else if (entry.kind !== 'index') outputAxis++;
  }
  const finalStep = newAxes.length > 0 ? 'unsqueeze' : shrinkAxes.length > 0 ? 'squeeze' : 'slice';
  if (axes.length > 0) {
    current = t.emit(
      'Slice',
      [current, t.int64(starts), t.int64(ends), t.int64(axes), t.int64(steps)],
      {},
      finalStep === 'slice' ? node.name : undefined,
    );
  } else if (finalStep === 'slice') {
    current = t.emit('Identity', [current], {}, node.name);
  }
  if (shrinkAxes.length > 0) {
    current = t.emit('Squeeze', [current, t.int64(shrinkAxes)], {}, finalStep === 'squeeze' ? node.name : undefined);
  }
  if (newAxes.length > 0) current = t.emit('Unsqueeze', [current, t.int64(newAxes)], {}, node.name);

  let shape: StaticDim[] | undefined;
  if (x.shape) {
    shape = [];
    for (const entry of entries) {
      if (entry.kind === 'new') shape.push(1);
      else if (entry.kind === 'full') shape.push(x.shape[entry.axis] ?? null);
      else if (entry.kind === 'range') shape.push(sliceLength(x.shape[entry.axis] ?? null, entry.start, entry.end, entry.step));
    }
    for (let rest = axis; rest < x.shape.length; rest++) shape.push(x.shape[rest]!);
  }
  return t.result(current, x.kind, shape);
}

/** TF Slice(x, begin, size): size -1 means "to the end". */
export function slice(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 3);
  const [x, beginValue, sizeValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
  const begin = t.constantInts(beginValue, node, 'begin');
  const size = t.constantInts(sizeValue, node, 'size');
  const ends = begin.map((start, index) => (size[index] === -1 ? INT64_MAX : BigInt(start + size[index]!)));
  const axes = begin.map((_, index) => index);
  const name = t.emit('Slice', [t.materialize(x), t.int64(begin), t.int64(ends), t.int64(axes)], {}, node.name);
  const shape = x.shape?.map((dim, index) =>
    index >= begin.length ? dim : size[index] === -1 ? (dim === null ? null : dim - begin[index]!) : size[index]!,
  );
  return t.result(name, x.kind, shape);
}

export function splitV(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue[] {
  t.expectInputs(node, inputs, 3);
  const [x, sizesValue, axisValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
  const sizes = t.constantInts(sizesValue, node, 'size_splits');
  const axis = normalizeAxis(t.constantInts(axisValue, node, 'axis')[0]!, x.shape?.length, node.name);
  const inferred = sizes.indexOf(-1);
  if (sizes.filter((size) => size === -1).length > 1) t.unsupported(node, 'more than one -1 split size');
  const known = sizes.filter((size) => size !== -1).reduce((a, b) => a + b, 0);
  const dim = x.shape?.[axis];
  let sizesName: string;
  if (inferred === -1) {
    sizesName = t.int64(sizes);
  } else if (typeof dim === 'number') {
    sizes[inferred] = dim - known;
    sizesName = t.int64(sizes);
  } else {
    // The -1 part is whatever the other parts leave of the axis, known only at run time.
    const length = t.emit('Slice', [t.emit('Shape', [t.materialize(x)]), t.int64([axis]), t.int64([axis + 1])]);
    const rest = t.emit('Sub', [length, t.int64([known])]);
    const parts = [];
    if (inferred > 0) parts.push(t.int64(sizes.slice(0, inferred)));
    parts.push(rest);
    if (inferred < sizes.length - 1) parts.push(t.int64(sizes.slice(inferred + 1)));
    sizesName = t.emit('Concat', parts, { axis: attr.int(0) });
  }
  const names = sizes.map((_, index) => (index === 0 ? node.name : `${node.name}:${index}`));
  t.builder.nodeWithOutputs('Split', [t.materialize(x), sizesName], sizes.length, { axis: attr.int(axis) }, names);
  return names.map((name, index) =>
    t.result(name, x.kind, x.shape?.map((d, a) => (a === axis ? (sizes[index] === -1 ? null : sizes[index]!) : d))),
  );
}

export function range(t: Translator, node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
  t.expectInputs(node, inputs, 3);
  const [start, limit, delta] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
  const name = t.emit('Range', [t.materialize(start), t.materialize(limit), t.materialize(delta)], {}, node.name);
  return t.result(name, start.kind, [null]);
}

function sliceLength(dim: StaticDim, start: bigint, end: bigint, step: number): StaticDim {
  if (dim === null) return null;
  const size = BigInt(dim);
  const clamp = (value: bigint, low: bigint, high: bigint): bigint => (value < low ? low : value > high ? high : value);
  let first = start < 0n ? start + size : start;
  let last = end < 0n ? end + size : end;
  if (step > 0) {
    first = clamp(first, 0n, size);
    last = clamp(last, 0n, size);
    return last > first ? Number((last - first + BigInt(step) - 1n) / BigInt(step)) : 0;
  }
  first = clamp(first, -1n, size - 1n);
  last = clamp(last, -1n, size - 1n);
  const stride = BigInt(-step);
  return first > last ? Number((first - last + stride - 1n) / stride) : 0;
}
