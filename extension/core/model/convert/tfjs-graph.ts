// Reads a TensorFlow.js graph model (`model.json` + weight shards) and translates its TensorFlow ops
// into ONNX nodes, one TF op at a time, keeping TF's semantics rather than pattern-matching layers.
// Design choices:
// - Every TF integer tensor (int32 or int64) becomes ONNX int64: ONNX wants int64 for shapes, axes,
//   GatherND/ScatterND indices and Reshape targets, and the values here never overflow int32 anyway.
// - Constants stay constants until an op needs them at run time, so small TF constants that become
//   ONNX attributes (perm, axes) never turn into unused initializers.
// - Matrix products with a constant weight come out as `MatMul(x, W)` with W a 2-D initializer
//   (1x1 Conv2D and `transpose_b` are folded into W), which is what `quantizeDynamic` rewrites.
// - A light static shape inference (dimensions or `null`) gives the ranks some translations need.
// Anything outside the supported op and attribute set throws a `CoreError` of kind `conversion` naming the node.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataType } from '../onnx/proto.ts';
import { attr, type Attribute, type GraphBuilder, type Tensor } from '../onnx/graph.ts';
import { CoreError } from '../../errors.ts';

/** An attribute of a TF node as TF.js's `model.json` stores it (a protobuf `AttrValue` as JSON). */
export interface TfAttrValue {
  i?: string | number;
  f?: number;
  b?: boolean;
  s?: string;
  type?: number | string;
  list?: { i?: (string | number)[]; f?: number[]; s?: string[]; type?: (number | string)[] };
  shape?: { dim?: { size: string | number }[]; unknownRank?: boolean };
  tensor?: unknown;
}

/** One node of the TF graph. */
export interface TfNode {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, TfAttrValue>;
}

/** A weight from the manifest, decoded. Integer weights hold their values as numbers. */
export interface TfWeight {
  name: string;
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

/** A TF.js graph model read into memory. */
export interface TfjsGraphModel {
  nodes: TfNode[];
  weights: Map<string, TfWeight>;
}

interface WeightsManifestEntry {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string; quantization?: unknown }[];
}

/** Reads `model.json` and its weight shards (concatenated in manifest order) from a directory. */
export async function loadTfjsGraphModel(directory: string): Promise<TfjsGraphModel> {
  const modelJson = JSON.parse(await readFile(path.join(directory, 'model.json'), 'utf8')) as {
    modelTopology?: { node?: TfNode[] };
    weightsManifest?: WeightsManifestEntry[];
  };
  const nodes = modelJson.modelTopology?.node;
  if (!Array.isArray(nodes) || !Array.isArray(modelJson.weightsManifest)) {
    throw new CoreError('conversion', 'malformed', `${directory}/model.json has no graph topology or weights manifest`);
  }
  const weights = new Map<string, TfWeight>();
  for (const group of modelJson.weightsManifest) {
    const shards = await Promise.all(group.paths.map((shard) => readFile(path.join(directory, shard))));
    const bytes = Buffer.concat(shards);
    let offset = 0;
    for (const entry of group.weights) {
      if (entry.quantization !== undefined) {
        throw new CoreError('conversion', 'unsupported', `Weight ${entry.name} is quantized; only float32/int32/bool weights are supported`);
      }
      const count = entry.shape.reduce((product, dim) => product * dim, 1);
      const elementSize = entry.dtype === 'bool' ? 1 : 4;
      const byteLength = count * elementSize;
      if (offset + byteLength > bytes.length) {
        throw new CoreError('conversion', 'malformed', `Weight ${entry.name} runs past the end of its shards`);
      }
      // Copy into a fresh buffer: shard offsets need not be aligned for a typed-array view.
      const slice = new Uint8Array(byteLength);
      slice.set(bytes.subarray(offset, offset + byteLength));
      offset += byteLength;
      let values: TfWeight['values'];
      if (entry.dtype === 'float32') values = new Float32Array(slice.buffer);
      else if (entry.dtype === 'int32') values = new Int32Array(slice.buffer);
      else if (entry.dtype === 'bool') values = slice;
      else throw new CoreError('conversion', 'unsupported', `Weight ${entry.name} has dtype ${entry.dtype}`);
      weights.set(entry.name, { name: entry.name, dtype: entry.dtype, shape: entry.shape, values });
    }
  }
  return { nodes, weights };
}

/** The element kinds this translator distinguishes (TF int32 and int64 are both `int`, ONNX int64). */
export type ElementKind = 'float' | 'int' | 'bool';

/** A dimension known at conversion time, or `null`. */
export type StaticDim = number | null;

/** A translated tensor: an ONNX value name (or a constant not yet written), its kind and static shape. */
export interface TranslatedValue {
  kind: ElementKind;
  /** Static shape; `undefined` when even the rank is unknown. */
  shape?: StaticDim[];
  /** The ONNX value name, once the value exists in the ONNX graph. */
  name?: string;
  /** Constant contents, for values that come from TF `Const` nodes. */
  constant?: { dims: number[]; values: Float32Array | number[] };
  /** Name to give the initializer if the constant has to be written. */
  constantName?: string;
}

export interface TranslateOptions {
  /** ONNX values that stand for the graph's Placeholders, by placeholder name. */
  inputs: Record<string, TranslatedValue>;
  /** TF tensor names (`node` or `node:1`) to translate; only what they depend on is converted. */
  outputs: string[];
  /**
   * Called after each TF node is translated; may return replacement values (e.g. to patch a shape
   * the ONNX signature needs). Returning `undefined` keeps the translation.
   */
  afterNode?: (node: TfNode, outputs: TranslatedValue[], builder: GraphBuilder) => TranslatedValue[] | undefined;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Translates the part of `model` that `options.outputs` needs into `builder`'s graph. */
export function translateTfGraph(model: TfjsGraphModel, builder: GraphBuilder, options: TranslateOptions): TranslatedValue[] {
  return new Translator(model, builder, options).run();
}

function tensorRef(input: string): { node: string; index: number } {
  const colon = input.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(input.slice(colon + 1))) {
    return { node: input.slice(0, colon), index: Number(input.slice(colon + 1)) };
  }
  return { node: input, index: 0 };
}

function kindOfTfType(type: number | string | undefined, where: string): ElementKind {
  switch (type) {
    case 1:
    case 'DT_FLOAT':
      return 'float';
    case 3:
    case 9:
    case 'DT_INT32':
    case 'DT_INT64':
      return 'int';
    case 10:
    case 'DT_BOOL':
      return 'bool';
    default:
      throw new CoreError('conversion', 'unsupported', `${where}: TF data type ${String(type)} is not supported`);
  }
}

function onnxType(kind: ElementKind): DataType {
  return kind === 'float' ? DataType.FLOAT : kind === 'int' ? DataType.INT64 : DataType.BOOL;
}

function broadcastShapes(a: StaticDim[] | undefined, b: StaticDim[] | undefined): StaticDim[] | undefined {
  if (!a || !b) return undefined;
  const rank = Math.max(a.length, b.length);
  const result: StaticDim[] = [];
  for (let axis = 0; axis < rank; axis++) {
    const left = axis - (rank - a.length) >= 0 ? a[axis - (rank - a.length)]! : 1;
    const right = axis - (rank - b.length) >= 0 ? b[axis - (rank - b.length)]! : 1;
    if (left === 1) result.push(right);
    else if (right === 1) result.push(left);
    else if (left === right) result.push(left);
    else if (left === null) result.push(right);
    else if (right === null) result.push(left);
    else throw new CoreError('conversion', 'malformed', `Shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
  }
  return result;
}

function normalizeAxis(axis: number, rank: number | undefined, where: string): number {
  if (axis >= 0) return axis;
  if (rank === undefined) throw new CoreError('conversion', 'unsupported', `${where}: negative axis on a tensor of unknown rank`);
  return axis + rank;
}

const BINARY_OPS: Record<string, { onnx: string; result?: ElementKind }> = {
  Add: { onnx: 'Add' },
  AddV2: { onnx: 'Add' },
  Sub: { onnx: 'Sub' },
  Mul: { onnx: 'Mul' },
  RealDiv: { onnx: 'Div' },
  Maximum: { onnx: 'Max' },
  Minimum: { onnx: 'Min' },
  Pow: { onnx: 'Pow' },
  Less: { onnx: 'Less', result: 'bool' },
  LessEqual: { onnx: 'LessOrEqual', result: 'bool' },
  Greater: { onnx: 'Greater', result: 'bool' },
  GreaterEqual: { onnx: 'GreaterOrEqual', result: 'bool' },
  Equal: { onnx: 'Equal', result: 'bool' },
  LogicalAnd: { onnx: 'And', result: 'bool' },
  LogicalOr: { onnx: 'Or', result: 'bool' },
};

const UNARY_OPS: Record<string, string> = {
  Relu: 'Relu',
  Tanh: 'Tanh',
  Sigmoid: 'Sigmoid',
  Sin: 'Sin',
  Cos: 'Cos',
  Sqrt: 'Sqrt',
  Exp: 'Exp',
  Log: 'Log',
  Neg: 'Neg',
  Abs: 'Abs',
  Floor: 'Floor',
  Ceil: 'Ceil',
  LogicalNot: 'Not',
};

const REDUCE_OPS: Record<string, string> = {
  Sum: 'ReduceSum',
  Mean: 'ReduceMean',
  Max: 'ReduceMax',
  Min: 'ReduceMin',
  Prod: 'ReduceProd',
};

class Translator {
  private readonly nodesByName = new Map<string, TfNode>();
  private readonly translated = new Map<string, TranslatedValue[]>();
  private readonly sharedConstants = new Map<string, string>();
  private readonly model: TfjsGraphModel;
  private readonly builder: GraphBuilder;
  private readonly options: TranslateOptions;

  constructor(model: TfjsGraphModel, builder: GraphBuilder, options: TranslateOptions) {
    this.model = model;
    this.builder = builder;
    this.options = options;
    for (const node of model.nodes) this.nodesByName.set(node.name, node);
  }

  run(): TranslatedValue[] {
    for (const node of this.topologicalOrder()) {
      const inputs = node.input.filter((input) => !input.startsWith('^')).map((input) => this.valueOf(input));
      let outputs = this.translateNode(node, inputs);
      outputs = this.options.afterNode?.(node, outputs, this.builder) ?? outputs;
      this.translated.set(node.name, outputs);
    }
    return this.options.outputs.map((output) => this.valueOf(output));
  }

  /** Nodes the requested outputs depend on, inputs before users, in a deterministic order. */
  private topologicalOrder(): TfNode[] {
    const order: TfNode[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string): void => {
      const current = state.get(name);
      if (current === 'done') return;
      if (current === 'visiting') throw new CoreError('conversion', 'malformed', `The graph has a cycle through ${name}`);
      const node = this.nodesByName.get(name);
      if (!node) throw new CoreError('conversion', 'malformed', `Unknown node ${name}`);
      state.set(name, 'visiting');
      for (const input of node.input) visit(tensorRef(input.replace(/^\^/, '')).node);
      state.set(name, 'done');
      order.push(node);
    };
    // An explicit stack would avoid deep recursion, but TF.js graphs are a few hundred nodes deep at most.
    for (const output of this.options.outputs) visit(tensorRef(output).node);
    return order;
  }

  private valueOf(input: string): TranslatedValue {
    const { node, index } = tensorRef(input);
    const outputs = this.translated.get(node);
    const value = outputs?.[index];
    if (!value) throw new CoreError('conversion', 'malformed', `No value for ${input}`);
    return value;
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /** The ONNX name of a value, writing a constant as an initializer the first time it is needed. */
  private materialize(value: TranslatedValue): string {
    if (value.name !== undefined) return value.name;
    const constant = value.constant!;
    const tensor: Tensor =
      value.kind === 'float'
        ? { dataType: DataType.FLOAT, dims: constant.dims, values: Float32Array.from(constant.values) }
        : value.kind === 'int'
          ? { dataType: DataType.INT64, dims: constant.dims, values: BigInt64Array.from(constant.values, (v) => BigInt(v)) }
          : { dataType: DataType.BOOL, dims: constant.dims, values: Uint8Array.from(constant.values) };
    value.name = this.builder.constant(value.constantName ?? 'constant', tensor);
    return value.name;
  }

  /** A shared int64 constant (axes, shapes, slice bounds), written once per distinct content. */
  private int64(values: (number | bigint)[], dims: number[] = [values.length]): string {
    const key = `${dims.join('x')}:${values.join(',')}`;
    const existing = this.sharedConstants.get(key);
    if (existing) return existing;
    const tensor: Tensor = {
      dataType: DataType.INT64,
      dims,
      values: BigInt64Array.from(values, (v) => BigInt(v)),
    };
    const name = this.builder.constant(`const_int64_${this.sharedConstants.size}`, tensor);
    this.sharedConstants.set(key, name);
    return name;
  }

  private constantInts(value: TranslatedValue, node: TfNode, what: string): number[] {
    if (!value.constant || value.kind !== 'int') {
      throw new CoreError('conversion', 'unsupported', `${node.op} ${node.name}: ${what} must be an integer constant`);
    }
    return Array.from(value.constant.values, Number);
  }

  private emit(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, outputName?: string): string {
    return this.builder.node(opType, inputs, attributes, outputName);
  }

  private attrInt(node: TfNode, key: string, fallback?: number): number {
    const value = node.attr[key];
    if (value?.i !== undefined) return Number(value.i);
    if (fallback !== undefined) return fallback;
    throw new CoreError('conversion', 'malformed', `${node.op} ${node.name}: missing attribute ${key}`);
  }

  private attrString(node: TfNode, key: string): string | undefined {
    const value = node.attr[key]?.s;
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
  }

  private attrInts(node: TfNode, key: string): number[] | undefined {
    const list = node.attr[key]?.list;
    return list ? (list.i ?? []).map(Number) : undefined;
  }

  private unsupported(node: TfNode, detail: string): never {
    throw new CoreError('conversion', 'unsupported', `${node.op} ${node.name}: ${detail}`);
  }

  private expectInputs(node: TfNode, inputs: TranslatedValue[], count: number): void {
    if (inputs.length !== count) {
      throw new CoreError('conversion', 'malformed', `${node.op} ${node.name}: expected ${count} inputs, got ${inputs.length}`);
    }
  }

  private result(name: string, kind: ElementKind, shape: StaticDim[] | undefined): TranslatedValue {
    return { name, kind, shape };
  }

  // ---- the op table ------------------------------------------------------------------------------

  private translateNode(node: TfNode, inputs: TranslatedValue[]): TranslatedValue[] {
    const out = node.name;
    const binary = BINARY_OPS[node.op];
    if (binary) {
      this.expectInputs(node, inputs, 2);
      const [a, b] = inputs as [TranslatedValue, TranslatedValue];
      const name = this.emit(binary.onnx, [this.materialize(a), this.materialize(b)], {}, out);
      return [this.result(name, binary.result ?? a.kind, broadcastShapes(a.shape, b.shape))];
    }
    const unary = UNARY_OPS[node.op];
    if (unary) {
      this.expectInputs(node, inputs, 1);
      const x = inputs[0]!;
      return [this.result(this.emit(unary, [this.materialize(x)], {}, out), x.kind, x.shape)];
    }
    const reduce = REDUCE_OPS[node.op];
    if (reduce) return [this.reduce(node, inputs, reduce)];

    switch (node.op) {
      case 'Const':
        return [this.constant(node)];
      case 'Placeholder': {
        const value = this.options.inputs[node.name];
        if (!value) this.unsupported(node, 'no ONNX input was given for this placeholder');
        return [value];
      }
      case 'Identity':
        this.expectInputs(node, inputs, 1);
        return [inputs[0]!];
      case 'Square': {
        this.expectInputs(node, inputs, 1);
        const x = this.materialize(inputs[0]!);
        return [this.result(this.emit('Mul', [x, x], {}, out), inputs[0]!.kind, inputs[0]!.shape)];
      }
      case 'Rsqrt': {
        this.expectInputs(node, inputs, 1);
        const root = this.emit('Sqrt', [this.materialize(inputs[0]!)]);
        return [this.result(this.emit('Reciprocal', [root], {}, out), 'float', inputs[0]!.shape)];
      }
      case 'BiasAdd': {
        this.expectInputs(node, inputs, 2);
        const format = this.attrString(node, 'data_format') ?? 'NHWC';
        if (format !== 'NHWC') this.unsupported(node, `data_format ${format}`);
        const [x, bias] = inputs as [TranslatedValue, TranslatedValue];
        const name = this.emit('Add', [this.materialize(x), this.materialize(bias)], {}, out);
        return [this.result(name, x.kind, broadcastShapes(x.shape, bias.shape))];
      }
      case 'Cast':
        return [this.cast(node, inputs)];
      case 'Shape': {
        this.expectInputs(node, inputs, 1);
        const x = inputs[0]!;
        return [this.result(this.emit('Shape', [this.materialize(x)], {}, out), 'int', [x.shape ? x.shape.length : null])];
      }
      case 'Reshape':
        return [this.reshape(node, inputs)];
      case 'ExpandDims':
        return [this.expandDims(node, inputs)];
      case 'Squeeze':
        return [this.squeeze(node, inputs)];
      case 'Transpose':
        return [this.transpose(node, inputs)];
      case 'ConcatV2':
        return [this.concat(node, inputs)];
      case 'Pack':
        return [this.pack(node, inputs)];
      case 'GatherV2':
        return [this.gather(node, inputs)];
      case 'GatherNd':
        return [this.gatherNd(node, inputs)];
      case 'ScatterNd':
        return [this.scatterNd(node, inputs)];
      case 'SparseToDense':
        return [this.sparseToDense(node, inputs)];
      case 'Where':
        return [this.where(node, inputs)];
      case 'StridedSlice':
        return [this.stridedSlice(node, inputs)];
      case 'Slice':
        return [this.slice(node, inputs)];
      case 'SplitV':
        return this.splitV(node, inputs);
      case 'Range':
        return [this.range(node, inputs)];
      case 'MatMul':
        return [this.matMul(node, inputs)];
      case 'BatchMatMul':
      case 'BatchMatMulV2':
        return [this.batchMatMul(node, inputs)];
      case 'Conv2D':
        return [this.conv2d(node, inputs)];
      case 'Softmax': {
        this.expectInputs(node, inputs, 1);
        const x = inputs[0]!;
        return [this.result(this.emit('Softmax', [this.materialize(x)], { axis: attr.int(-1) }, out), 'float', x.shape)];
      }
      default:
        return this.unsupported(node, 'this TF op is not supported by the converter');
    }
  }

  private constant(node: TfNode): TranslatedValue {
    const weight = this.model.weights.get(node.name);
    if (!weight) this.unsupported(node, 'constant without a weight in the manifest (inline tensors are not supported)');
    const kind = kindOfTfType(node.attr.dtype?.type, `Const ${node.name}`);
    if (kind === 'float' && weight.dtype !== 'float32') this.unsupported(node, `float constant stored as ${weight.dtype}`);
    const values = kind === 'float' ? (weight.values as Float32Array) : Array.from(weight.values, Number);
    return { kind, shape: [...weight.shape], constant: { dims: [...weight.shape], values }, constantName: node.name };
  }

  private cast(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 1);
    const x = inputs[0]!;
    const target = kindOfTfType(node.attr.DstT?.type, `Cast ${node.name}`);
    // int32 <-> int64 is the same ONNX type here, so the cast disappears.
    if (target === x.kind) return x;
    const name = this.emit('Cast', [this.materialize(x)], { to: attr.int(onnxType(target)) }, node.name);
    return this.result(name, target, x.shape);
  }

  private reduce(node: TfNode, inputs: TranslatedValue[], onnxOp: string): TranslatedValue {
    this.expectInputs(node, inputs, 2);
    const [x, axesValue] = inputs as [TranslatedValue, TranslatedValue];
    const rank = x.shape?.length;
    const axes = this.constantInts(axesValue, node, 'reduction_indices').map((axis) => normalizeAxis(axis, rank, node.name));
    const keepDims = node.attr.keep_dims?.b === true;
    // TF reduces over nothing when the axis list is empty; ONNX would reduce over everything.
    if (axes.length === 0) return x;
    const name = this.emit(onnxOp, [this.materialize(x), this.int64(axes)], { keepdims: attr.int(keepDims ? 1 : 0) }, node.name);
    const shape = x.shape
      ? x.shape.flatMap((dim, axis) => (axes.includes(axis) ? (keepDims ? [1] : []) : [dim]))
      : undefined;
    return this.result(name, x.kind, shape);
  }

  private reshape(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 2);
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
    const name = this.emit('Reshape', [this.materialize(x), this.materialize(target)], { allowzero: attr.int(1) }, node.name);
    return this.result(name, x.kind, shape);
  }

  private expandDims(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 2);
    const [x, dimValue] = inputs as [TranslatedValue, TranslatedValue];
    const [dim] = this.constantInts(dimValue, node, 'dim');
    const outputRank = x.shape ? x.shape.length + 1 : undefined;
    // Negative dims count from the end of the output, in TF as in ONNX Unsqueeze.
    const axis = normalizeAxis(dim!, outputRank, node.name);
    const name = this.emit('Unsqueeze', [this.materialize(x), this.int64([axis])], {}, node.name);
    const shape = x.shape ? [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)] : undefined;
    return this.result(name, x.kind, shape);
  }

  private squeeze(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 1);
    const x = inputs[0]!;
    const dims = this.attrInts(node, 'squeeze_dims') ?? this.attrInts(node, 'axis') ?? [];
    if (dims.length === 0) {
      if (!x.shape || x.shape.includes(null)) this.unsupported(node, 'squeezing every size-1 dimension of a tensor with unknown dimensions');
      const axes = x.shape.flatMap((dim, axis) => (dim === 1 ? [axis] : []));
      const name = this.emit('Squeeze', [this.materialize(x), this.int64(axes)], {}, node.name);
      return this.result(name, x.kind, x.shape.filter((dim) => dim !== 1));
    }
    const axes = dims.map((axis) => normalizeAxis(axis, x.shape?.length, node.name));
    const name = this.emit('Squeeze', [this.materialize(x), this.int64(axes)], {}, node.name);
    return this.result(name, x.kind, x.shape?.filter((_, axis) => !axes.includes(axis)));
  }

  private transpose(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 2);
    const [x, permValue] = inputs as [TranslatedValue, TranslatedValue];
    const perm = this.constantInts(permValue, node, 'perm');
    const name = this.emit('Transpose', [this.materialize(x)], { perm: attr.ints(perm) }, node.name);
    return this.result(name, x.kind, x.shape ? perm.map((axis) => x.shape![axis]!) : undefined);
  }

  private concat(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    const count = this.attrInt(node, 'N');
    this.expectInputs(node, inputs, count + 1);
    const parts = inputs.slice(0, count);
    const rank = parts.find((part) => part.shape)?.shape?.length;
    const axis = normalizeAxis(this.constantInts(inputs[count]!, node, 'axis')[0]!, rank, node.name);
    const name = this.emit('Concat', parts.map((part) => this.materialize(part)), { axis: attr.int(axis) }, node.name);
    let shape: StaticDim[] | undefined;
    if (parts.every((part) => part.shape)) {
      shape = parts[0]!.shape!.map((dim, index) => {
        const sizes: StaticDim[] = parts.map((part) => part.shape![index] ?? null);
        if (index !== axis) return sizes.find((size) => size !== null) ?? dim;
        return sizes.includes(null) ? null : (sizes as number[]).reduce((a, b) => a + b, 0);
      });
    }
    return this.result(name, parts[0]!.kind, shape);
  }

  private pack(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    const count = this.attrInt(node, 'N');
    this.expectInputs(node, inputs, count);
    const first = inputs[0]!;
    const rank = first.shape?.length;
    const axis = normalizeAxis(this.attrInt(node, 'axis', 0), rank === undefined ? undefined : rank + 1, node.name);
    const axes = this.int64([axis]);
    const expanded = inputs.map((input) => this.emit('Unsqueeze', [this.materialize(input), axes]));
    const name = this.emit('Concat', expanded, { axis: attr.int(axis) }, node.name);
    const shape = first.shape ? [...first.shape.slice(0, axis), count, ...first.shape.slice(axis)] : undefined;
    return this.result(name, first.kind, shape);
  }

  private gather(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 3);
    const [params, indices, axisValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
    if (this.attrInt(node, 'batch_dims', 0) !== 0) this.unsupported(node, 'batch_dims other than 0');
    const axis = normalizeAxis(this.constantInts(axisValue, node, 'axis')[0]!, params.shape?.length, node.name);
    const name = this.emit('Gather', [this.materialize(params), this.materialize(indices)], { axis: attr.int(axis) }, node.name);
    const shape =
      params.shape && indices.shape
        ? [...params.shape.slice(0, axis), ...indices.shape, ...params.shape.slice(axis + 1)]
        : undefined;
    return this.result(name, params.kind, shape);
  }

  private gatherNd(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 2);
    const [params, indices] = inputs as [TranslatedValue, TranslatedValue];
    const name = this.emit('GatherND', [this.materialize(params), this.materialize(indices)], {}, node.name);
    const depth = indices.shape?.at(-1);
    const shape =
      params.shape && indices.shape && typeof depth === 'number'
        ? [...indices.shape.slice(0, -1), ...params.shape.slice(depth)]
        : undefined;
    return this.result(name, params.kind, shape);
  }

  /** TF ScatterNd adds updates that share an index into zeros: ScatterND(zeros, reduction='add'). */
  private scatterNd(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 3);
    const [indices, updates, shapeValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
    const zero = this.zeroTensor(updates.kind);
    const zeros = this.emit('ConstantOfShape', [this.materialize(shapeValue)], { value: attr.tensor(zero) });
    const name = this.emit(
      'ScatterND',
      [zeros, this.materialize(indices), this.materialize(updates)],
      { reduction: attr.string('add') },
      node.name,
    );
    return this.result(name, updates.kind, this.shapeFromVector(shapeValue));
  }

  /** TF SparseToDense: default_value everywhere, then the sparse values at their indices. */
  private sparseToDense(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 4);
    const [indices, outputShape, values, defaultValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue, TranslatedValue];
    if (!indices.shape || indices.shape.length > 2) this.unsupported(node, 'sparse_indices of unknown rank or rank above 2');
    if (values.shape?.length !== 1 && values.shape?.length !== 0) this.unsupported(node, 'sparse_values of unknown rank');
    // Rank-0 indices name one element of a 1-D output; rank-1 indices list elements of a 1-D output.
    let indicesName = this.materialize(indices);
    if (indices.shape.length === 0) indicesName = this.emit('Reshape', [indicesName, this.int64([1, 1])]);
    else if (indices.shape.length === 1) indicesName = this.emit('Unsqueeze', [indicesName, this.int64([1])]);
    let valuesName = this.materialize(values);
    if (values.shape.length === 0) {
      const count = this.emit('Slice', [this.emit('Shape', [indicesName]), this.int64([0]), this.int64([1])]);
      valuesName = this.emit('Expand', [valuesName, count]);
    }
    const filled = this.emit('Expand', [this.materialize(defaultValue), this.materialize(outputShape)]);
    const name = this.emit('ScatterND', [filled, indicesName, valuesName], {}, node.name);
    return this.result(name, values.kind, this.shapeFromVector(outputShape));
  }

  /** TF Where with one input lists the coordinates of true elements, like ONNX NonZero transposed. */
  private where(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    if (inputs.length === 3) {
      const [condition, a, b] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
      const name = this.emit('Where', [this.materialize(condition), this.materialize(a), this.materialize(b)], {}, node.name);
      return this.result(name, a.kind, broadcastShapes(condition.shape, broadcastShapes(a.shape, b.shape)));
    }
    this.expectInputs(node, inputs, 1);
    const condition = inputs[0]!;
    let conditionName = this.materialize(condition);
    if (condition.kind !== 'bool') conditionName = this.emit('Cast', [conditionName], { to: attr.int(DataType.BOOL) });
    const coordinates = this.emit('NonZero', [conditionName]);
    const name = this.emit('Transpose', [coordinates], { perm: attr.ints([1, 0]) }, node.name);
    return this.result(name, 'int', [null, condition.shape ? condition.shape.length : null]);
  }

  private stridedSlice(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 4);
    const [x, beginValue, endValue, stridesValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue, TranslatedValue];
    const begin = this.constantInts(beginValue, node, 'begin');
    const end = this.constantInts(endValue, node, 'end');
    const strides = this.constantInts(stridesValue, node, 'strides');
    const beginMask = this.attrInt(node, 'begin_mask', 0);
    const endMask = this.attrInt(node, 'end_mask', 0);
    const ellipsisMask = this.attrInt(node, 'ellipsis_mask', 0);
    const newAxisMask = this.attrInt(node, 'new_axis_mask', 0);
    const shrinkMask = this.attrInt(node, 'shrink_axis_mask', 0);
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
        if (rank === undefined) this.unsupported(node, 'ellipsis_mask on a tensor of unknown rank');
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
    if (rank !== undefined && axis > rank) this.unsupported(node, `slice spec covers ${axis} axes of a rank-${rank} tensor`);

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
    let current = this.materialize(x);
    const shrinkAxes = entries.flatMap((entry) => (entry.kind === 'index' ? [entry.axis] : []));
    const newAxes: number[] = [];
    let outputAxis = 0;
    for (const entry of entries) {
      if (entry.kind === 'new') newAxes.push(outputAxis++);
      else if (entry.kind !== 'index') outputAxis++;
    }
    const finalStep = newAxes.length > 0 ? 'unsqueeze' : shrinkAxes.length > 0 ? 'squeeze' : 'slice';
    if (axes.length > 0) {
      current = this.emit(
        'Slice',
        [current, this.int64(starts), this.int64(ends), this.int64(axes), this.int64(steps)],
        {},
        finalStep === 'slice' ? node.name : undefined,
      );
    } else if (finalStep === 'slice') {
      current = this.emit('Identity', [current], {}, node.name);
    }
    if (shrinkAxes.length > 0) {
      current = this.emit('Squeeze', [current, this.int64(shrinkAxes)], {}, finalStep === 'squeeze' ? node.name : undefined);
    }
    if (newAxes.length > 0) current = this.emit('Unsqueeze', [current, this.int64(newAxes)], {}, node.name);

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
    return this.result(current, x.kind, shape);
  }

  /** TF Slice(x, begin, size): size -1 means "to the end". */
  private slice(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 3);
    const [x, beginValue, sizeValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
    const begin = this.constantInts(beginValue, node, 'begin');
    const size = this.constantInts(sizeValue, node, 'size');
    const ends = begin.map((start, index) => (size[index] === -1 ? INT64_MAX : BigInt(start + size[index]!)));
    const axes = begin.map((_, index) => index);
    const name = this.emit('Slice', [this.materialize(x), this.int64(begin), this.int64(ends), this.int64(axes)], {}, node.name);
    const shape = x.shape?.map((dim, index) =>
      index >= begin.length ? dim : size[index] === -1 ? (dim === null ? null : dim - begin[index]!) : size[index]!,
    );
    return this.result(name, x.kind, shape);
  }

  private splitV(node: TfNode, inputs: TranslatedValue[]): TranslatedValue[] {
    this.expectInputs(node, inputs, 3);
    const [x, sizesValue, axisValue] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
    const sizes = this.constantInts(sizesValue, node, 'size_splits');
    const axis = normalizeAxis(this.constantInts(axisValue, node, 'axis')[0]!, x.shape?.length, node.name);
    const inferred = sizes.indexOf(-1);
    if (sizes.filter((size) => size === -1).length > 1) this.unsupported(node, 'more than one -1 split size');
    const known = sizes.filter((size) => size !== -1).reduce((a, b) => a + b, 0);
    const dim = x.shape?.[axis];
    let sizesName: string;
    if (inferred === -1) {
      sizesName = this.int64(sizes);
    } else if (typeof dim === 'number') {
      sizes[inferred] = dim - known;
      sizesName = this.int64(sizes);
    } else {
      // The -1 part is whatever the other parts leave of the axis, known only at run time.
      const length = this.emit('Slice', [this.emit('Shape', [this.materialize(x)]), this.int64([axis]), this.int64([axis + 1])]);
      const rest = this.emit('Sub', [length, this.int64([known])]);
      const parts = [];
      if (inferred > 0) parts.push(this.int64(sizes.slice(0, inferred)));
      parts.push(rest);
      if (inferred < sizes.length - 1) parts.push(this.int64(sizes.slice(inferred + 1)));
      sizesName = this.emit('Concat', parts, { axis: attr.int(0) });
    }
    const names = sizes.map((_, index) => (index === 0 ? node.name : `${node.name}:${index}`));
    this.builder.nodeWithOutputs('Split', [this.materialize(x), sizesName], sizes.length, { axis: attr.int(axis) }, names);
    return names.map((name, index) =>
      this.result(name, x.kind, x.shape?.map((d, a) => (a === axis ? (sizes[index] === -1 ? null : sizes[index]!) : d))),
    );
  }

  private range(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 3);
    const [start, limit, delta] = inputs as [TranslatedValue, TranslatedValue, TranslatedValue];
    const name = this.emit('Range', [this.materialize(start), this.materialize(limit), this.materialize(delta)], {}, node.name);
    return this.result(name, start.kind, [null]);
  }

  private matMul(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 2);
    let [a, b] = inputs as [TranslatedValue, TranslatedValue];
    if (node.attr.transpose_a?.b === true) a = this.transposeLastTwo(a, node);
    if (node.attr.transpose_b?.b === true) {
      // A constant weight is transposed now, so the product stays MatMul(x, W) for the quantizer.
      b = b.constant && b.kind === 'float' ? transposeConstant(b, `${b.constantName ?? 'weight'}/transposed`) : this.transposeLastTwo(b, node);
    }
    const name = this.emit('MatMul', [this.materialize(a), this.materialize(b)], {}, node.name);
    return this.result(name, a.kind, a.shape && b.shape ? [a.shape[0]!, b.shape[1]!] : undefined);
  }

  private batchMatMul(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 2);
    let [a, b] = inputs as [TranslatedValue, TranslatedValue];
    if (node.attr.adj_x?.b === true) a = this.transposeLastTwo(a, node);
    if (node.attr.adj_y?.b === true) b = this.transposeLastTwo(b, node);
    const name = this.emit('MatMul', [this.materialize(a), this.materialize(b)], {}, node.name);
    let shape: StaticDim[] | undefined;
    if (a.shape && b.shape && a.shape.length >= 2 && b.shape.length >= 2) {
      shape = [...(broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2)) ?? []), a.shape.at(-2)!, b.shape.at(-1)!];
    }
    return this.result(name, a.kind, shape);
  }

  /** A 1x1, stride-1 NHWC Conv2D is a MatMul over the channel axis with the kernel as [Cin, Cout]. */
  private conv2d(node: TfNode, inputs: TranslatedValue[]): TranslatedValue {
    this.expectInputs(node, inputs, 2);
    const [x, kernel] = inputs as [TranslatedValue, TranslatedValue];
    const format = this.attrString(node, 'data_format') ?? 'NHWC';
    const padding = this.attrString(node, 'padding') ?? 'VALID';
    const strides = this.attrInts(node, 'strides') ?? [1, 1, 1, 1];
    const dilations = this.attrInts(node, 'dilations') ?? [1, 1, 1, 1];
    if (format !== 'NHWC') this.unsupported(node, `data_format ${format}`);
    if (padding !== 'VALID' && padding !== 'SAME') this.unsupported(node, `padding ${padding}`);
    if (strides.some((stride) => stride !== 1) || dilations.some((dilation) => dilation !== 1)) {
      this.unsupported(node, 'strides or dilations other than 1');
    }
    if (!kernel.constant || kernel.kind !== 'float') this.unsupported(node, 'a kernel that is not a float constant');
    const [height, width, inChannels, outChannels] = kernel.constant.dims as [number, number, number, number];
    if (kernel.constant.dims.length !== 4 || height !== 1 || width !== 1) {
      this.unsupported(node, `kernel shape [${kernel.constant.dims.join(', ')}]; only 1x1 kernels are supported`);
    }
    const matrix: TranslatedValue = {
      kind: 'float',
      shape: [inChannels, outChannels],
      constant: { dims: [inChannels, outChannels], values: kernel.constant.values },
      constantName: `${kernel.constantName ?? 'kernel'}/matrix`,
    };
    const name = this.emit('MatMul', [this.materialize(x), this.materialize(matrix)], {}, node.name);
    return this.result(name, 'float', x.shape ? [...x.shape.slice(0, -1), outChannels] : undefined);
  }

  private transposeLastTwo(value: TranslatedValue, node: TfNode): TranslatedValue {
    const rank = value.shape?.length;
    if (rank === undefined || rank < 2) this.unsupported(node, 'transposing an operand of unknown rank');
    const perm = [...Array.from({ length: rank - 2 }, (_, index) => index), rank - 1, rank - 2];
    const name = this.emit('Transpose', [this.materialize(value)], { perm: attr.ints(perm) });
    return { kind: value.kind, name, shape: perm.map((axis) => value.shape![axis]!) };
  }

  private zeroTensor(kind: ElementKind): Tensor {
    if (kind === 'float') return { dataType: DataType.FLOAT, dims: [1], values: new Float32Array(1) };
    if (kind === 'int') return { dataType: DataType.INT64, dims: [1], values: new BigInt64Array(1) };
    return { dataType: DataType.BOOL, dims: [1], values: new Uint8Array(1) };
  }

  /** The static shape of a tensor whose contents are a shape vector. */
  private shapeFromVector(vector: TranslatedValue): StaticDim[] | undefined {
    if (vector.constant) return Array.from(vector.constant.values, Number);
    const length = vector.shape?.length === 1 ? vector.shape[0] : undefined;
    return typeof length === 'number' ? new Array<StaticDim>(length).fill(null) : undefined;
  }
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
