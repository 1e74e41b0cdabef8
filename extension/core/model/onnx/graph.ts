// A small in-memory ONNX graph: what the converters build, the quantizer rewrites, and `encodeModel`
// writes. Names are generated from a counter, so the same build steps give byte-identical files.
import { AttributeType, DataType, ModelProto } from './proto.ts';

export type TensorValues = Float32Array | Int32Array | BigInt64Array | Int8Array | Uint8Array;

/** A constant tensor (an initializer or a `Constant` node's value). */
export interface Tensor {
  dataType: DataType;
  dims: number[];
  values: TensorValues;
}

/** An attribute value, tagged so ints and floats stay distinct. */
export type Attribute =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: Tensor };

/** Attribute constructors, so call sites read `attr.int(1)`. */
export const attr = {
  int: (value: number): Attribute => ({ kind: 'int', value }),
  float: (value: number): Attribute => ({ kind: 'float', value }),
  ints: (value: number[]): Attribute => ({ kind: 'ints', value }),
  floats: (value: number[]): Attribute => ({ kind: 'floats', value }),
  string: (value: string): Attribute => ({ kind: 'string', value }),
  tensor: (value: Tensor): Attribute => ({ kind: 'tensor', value }),
};

export interface GraphNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes: Record<string, Attribute>;
  domain?: string;
}

/** A dimension is a fixed size or a symbolic name such as `batch`. */
export type Dimension = number | string;

export interface ValueInfo {
  name: string;
  elemType: DataType;
  shape: Dimension[];
}

export interface Graph {
  name: string;
  nodes: GraphNode[];
  initializers: Map<string, Tensor>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export interface Model {
  graph: Graph;
  /** Version of the default ONNX operator set. */
  opsetVersion: number;
  /** Extra operator sets, e.g. `com.microsoft`. */
  extraOpsets?: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  metadata: Record<string, string>;
}

/** Builds a graph node by node, naming intermediate values deterministically. */
export class GraphBuilder {
  readonly graph: Graph;
  private counter = 0;
  private readonly namePrefix: string;

  /**
   * @param namePrefix starts every generated name, so a pass that adds nodes to an existing graph
   * (the quantizer) cannot collide with the names that graph already has.
   */
  constructor(name: string, namePrefix = '') {
    this.namePrefix = namePrefix;
    this.graph = { name, nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  }

  /** A fresh value name with a readable prefix. */
  uniqueName(prefix: string): string {
    this.counter += 1;
    return `${this.namePrefix}${prefix}__${this.counter}`;
  }

  input(name: string, elemType: DataType, shape: Dimension[]): string {
    this.graph.inputs.push({ name, elemType, shape });
    return name;
  }

  output(name: string, elemType: DataType, shape: Dimension[]): void {
    this.graph.outputs.push({ name, elemType, shape });
  }

  /** Adds a constant tensor as an initializer and returns its name. */
  constant(prefix: string, tensor: Tensor): string {
    const name = this.graph.initializers.has(prefix) ? this.uniqueName(prefix) : prefix;
    this.graph.initializers.set(name, tensor);
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  node(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, outputName?: string): string {
    return this.nodeWithOutputs(opType, inputs, 1, attributes, outputName ? [outputName] : undefined)[0]!;
  }

  /** Adds a node with `outputCount` outputs and returns their names. */
  nodeWithOutputs(
    opType: string,
    inputs: string[],
    outputCount: number,
    attributes: Record<string, Attribute> = {},
    outputNames?: string[],
    domain?: string,
  ): string[] {
    const name = this.uniqueName(opType);
    const outputs = outputNames ?? Array.from({ length: outputCount }, (_, index) => `${name}_out${index}`);
    this.graph.nodes.push({ opType, inputs, outputs, name, attributes, domain });
    return outputs;
  }

  // Constants of the common kinds, for shapes, axes and scalars.
  int64s(prefix: string, values: number[], dims: number[] = [values.length]): string {
    return this.constant(prefix, int64Tensor(values, dims));
  }
  float32s(prefix: string, values: number[], dims: number[] = [values.length]): string {
    return this.constant(prefix, { dataType: DataType.FLOAT, dims, values: Float32Array.from(values) });
  }
}

export function int64Tensor(values: number[], dims: number[] = [values.length]): Tensor {
  return { dataType: DataType.INT64, dims, values: BigInt64Array.from(values, (value) => BigInt(value)) };
}

export function elementCount(dims: number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

function tensorBytes(tensor: Tensor): Uint8Array {
  const { values } = tensor;
  // Raw data is little-endian; typed arrays are in the platform's order, which is little-endian on
  // every platform onnxruntime-node ships for.
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function encodeTensor(name: string, tensor: Tensor): object {
  if (tensor.values.length !== elementCount(tensor.dims)) {
    throw new Error(`Tensor ${name}: ${tensor.values.length} values for shape [${tensor.dims.join(', ')}]`);
  }
  return { name, dims: tensor.dims, dataType: tensor.dataType, rawData: tensorBytes(tensor) };
}

function encodeAttribute(name: string, attribute: Attribute): object {
  switch (attribute.kind) {
    case 'int':
      return { name, type: AttributeType.INT, i: attribute.value };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: attribute.value };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: attribute.value };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: attribute.value };
    case 'string':
      return { name, type: AttributeType.STRING, s: new TextEncoder().encode(attribute.value) };
    case 'tensor':
      return { name, type: AttributeType.TENSOR, t: encodeTensor('', attribute.value) };
  }
}

function encodeValueInfo(info: ValueInfo): object {
  return {
    name: info.name,
    type: {
      tensorType: {
        elemType: info.elemType,
        shape: { dim: info.shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}

/** Serialises a model to ONNX bytes. The same model always gives the same bytes. */
export function encodeModel(model: Model): Uint8Array {
  const { graph } = model;
  const message = ModelProto.fromObject({
    irVersion: 8,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    opsetImport: [{ domain: '', version: model.opsetVersion }, ...(model.extraOpsets ?? [])],
    metadataProps: Object.keys(model.metadata)
      .sort()
      .map((key) => ({ key, value: model.metadata[key] })),
    graph: {
      name: graph.name,
      node: graph.nodes.map((node) => ({
        name: node.name,
        opType: node.opType,
        domain: node.domain ?? '',
        input: node.inputs,
        output: node.outputs,
        attribute: Object.keys(node.attributes)
          .sort()
          .map((key) => encodeAttribute(key, node.attributes[key]!)),
      })),
      initializer: [...graph.initializers].map(([name, tensor]) => encodeTensor(name, tensor)),
      input: graph.inputs.map(encodeValueInfo),
      output: graph.outputs.map(encodeValueInfo),
    },
  });
  return ModelProto.encode(message).finish();
}

/** What `describeModel` reads back from ONNX bytes: enough to check a file, not to run it. */
export interface ModelSummary {
  opsetVersion: number;
  opTypes: Map<string, number>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: { name: string; dataType: number; dims: number[] }[];
  metadata: Record<string, string>;
}

/** Decodes an ONNX file's structure (op counts, inputs, outputs, initializer shapes). */
export function describeModel(bytes: Uint8Array): ModelSummary {
  const decoded = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: true }) as {
    opsetImport: { domain: string; version: number }[];
    metadataProps: { key: string; value: string }[];
    graph: {
      node: { opType: string }[];
      input: DecodedValueInfo[];
      output: DecodedValueInfo[];
      initializer: { name: string; dataType: number; dims: number[] }[];
    };
  };
  const opTypes = new Map<string, number>();
  for (const node of decoded.graph.node) opTypes.set(node.opType, (opTypes.get(node.opType) ?? 0) + 1);
  return {
    opsetVersion: decoded.opsetImport.find((entry) => entry.domain === '')?.version ?? 0,
    opTypes,
    inputs: decoded.graph.input.map(decodeValueInfo),
    outputs: decoded.graph.output.map(decodeValueInfo),
    initializers: decoded.graph.initializer.map(({ name, dataType, dims }) => ({ name, dataType, dims })),
    metadata: Object.fromEntries(decoded.metadataProps.map(({ key, value }) => [key, value])),
  };
}

interface DecodedValueInfo {
  name: string;
  type?: { tensorType?: { elemType: number; shape?: { dim: { dimValue?: number; dimParam?: string }[] } } };
}

function decodeValueInfo(info: DecodedValueInfo): ValueInfo {
  const tensorType = info.type?.tensorType;
  return {
    name: info.name,
    elemType: (tensorType?.elemType ?? 0) as DataType,
    shape: (tensorType?.shape?.dim ?? []).map((dim) => (dim.dimParam ? dim.dimParam : (dim.dimValue ?? 0))),
  };
}
