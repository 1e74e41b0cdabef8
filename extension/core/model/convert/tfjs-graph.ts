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
import { broadcastShapes, kindOfTfType, normalizeAxis, onnxType, type ElementKind, type StaticDim, type TranslatedValue } from './tfjs-values.ts';
import { concat, expandDims, pack, reshape, squeeze, transpose } from './tfjs-shape-ops.ts';
import { gather, gatherNd, range, scatterNd, slice, sparseToDense, splitV, stridedSlice, where } from './tfjs-index-ops.ts';
import { batchMatMul, conv2d, matMul } from './tfjs-matrix-ops.ts';

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

/** The translation of one graph; the op families (tfjs-*-ops.ts) use its helpers. */
export class Translator {
  private readonly nodesByName = new Map<string, TfNode>();
  private readonly translated = new Map<string, TranslatedValue[]>();
  private readonly sharedConstants = new Map<string, string>();
  private readonly model: TfjsGraphModel;
  readonly builder: GraphBuilder;
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
  materialize(value: TranslatedValue): string {
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
  int64(values: (number | bigint)[], dims: number[] = [values.length]): string {
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

  constantInts(value: TranslatedValue, node: TfNode, what: string): number[] {
    if (!value.constant || value.kind !== 'int') {
      throw new CoreError('conversion', 'unsupported', `${node.op} ${node.name}: ${what} must be an integer constant`);
    }
    return Array.from(value.constant.values, Number);
  }

  emit(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, outputName?: string): string {
    return this.builder.node(opType, inputs, attributes, outputName);
  }

  attrInt(node: TfNode, key: string, fallback?: number): number {
    const value = node.attr[key];
    if (value?.i !== undefined) return Number(value.i);
    if (fallback !== undefined) return fallback;
    throw new CoreError('conversion', 'malformed', `${node.op} ${node.name}: missing attribute ${key}`);
  }

  attrString(node: TfNode, key: string): string | undefined {
    const value = node.attr[key]?.s;
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
  }

  attrInts(node: TfNode, key: string): number[] | undefined {
    const list = node.attr[key]?.list;
    return list ? (list.i ?? []).map(Number) : undefined;
  }

  unsupported(node: TfNode, detail: string): never {
    throw new CoreError('conversion', 'unsupported', `${node.op} ${node.name}: ${detail}`);
  }

  expectInputs(node: TfNode, inputs: TranslatedValue[], count: number): void {
    if (inputs.length !== count) {
      throw new CoreError('conversion', 'malformed', `${node.op} ${node.name}: expected ${count} inputs, got ${inputs.length}`);
    }
  }

  result(name: string, kind: ElementKind, shape: StaticDim[] | undefined): TranslatedValue {
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
        return [reshape(this, node, inputs)];
      case 'ExpandDims':
        return [expandDims(this, node, inputs)];
      case 'Squeeze':
        return [squeeze(this, node, inputs)];
      case 'Transpose':
        return [transpose(this, node, inputs)];
      case 'ConcatV2':
        return [concat(this, node, inputs)];
      case 'Pack':
        return [pack(this, node, inputs)];
      case 'GatherV2':
        return [gather(this, node, inputs)];
      case 'GatherNd':
        return [gatherNd(this, node, inputs)];
      case 'ScatterNd':
        return [scatterNd(this, node, inputs)];
      case 'SparseToDense':
        return [sparseToDense(this, node, inputs)];
      case 'Where':
        return [where(this, node, inputs)];
      case 'StridedSlice':
        return [stridedSlice(this, node, inputs)];
      case 'Slice':
        return [slice(this, node, inputs)];
      case 'SplitV':
        return splitV(this, node, inputs);
      case 'Range':
        return [range(this, node, inputs)];
      case 'MatMul':
        return [matMul(this, node, inputs)];
      case 'BatchMatMul':
      case 'BatchMatMulV2':
        return [batchMatMul(this, node, inputs)];
      case 'Conv2D':
        return [conv2d(this, node, inputs)];
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

  zeroTensor(kind: ElementKind): Tensor {
    if (kind === 'float') return { dataType: DataType.FLOAT, dims: [1], values: new Float32Array(1) };
    if (kind === 'int') return { dataType: DataType.INT64, dims: [1], values: new BigInt64Array(1) };
    return { dataType: DataType.BOOL, dims: [1], values: new Uint8Array(1) };
  }

  /** The static shape of a tensor whose contents are a shape vector. */
  shapeFromVector(vector: TranslatedValue): StaticDim[] | undefined {
    if (vector.constant) return Array.from(vector.constant.values, Number);
    const length = vector.shape?.length === 1 ? vector.shape[0] : undefined;
    return typeof length === 'number' ? new Array<StaticDim>(length).fill(null) : undefined;
  }
}

