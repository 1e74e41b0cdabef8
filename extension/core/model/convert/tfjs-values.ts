// The values of the TF.js graph translation (tfjs-graph.ts and its op families): element kinds, static shapes,
// and the shape and type rules they share.
import { DataType } from '../onnx/proto.ts';
import { CoreError } from '../../errors.ts';

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

export const INT64_MAX = 9223372036854775807n;

export const INT64_MIN = -9223372036854775808n;

export function kindOfTfType(type: number | string | undefined, where: string): ElementKind {
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

export function onnxType(kind: ElementKind): DataType {
  return kind === 'float' ? DataType.FLOAT : kind === 'int' ? DataType.INT64 : DataType.BOOL;
}

export function broadcastShapes(a: StaticDim[] | undefined, b: StaticDim[] | undefined): StaticDim[] | undefined {
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

export function normalizeAxis(axis: number, rank: number | undefined, where: string): number {
  if (axis >= 0) return axis;
  if (rank === undefined) throw new CoreError('conversion', 'unsupported', `${where}: negative axis on a tensor of unknown rank`);
  return axis + rank;
}
