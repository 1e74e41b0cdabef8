// The two scans a search makes over every stored vector of a space held in memory (vector-matrix.ts), as
// WebAssembly SIMD: a float32 dot product per row (cosine search) and an int8 squared distance per row (the int8
// first stage). At 100k × 256 dimensions the float32 scan takes about 3 ms here against 15–20 ms for the same
// loop in JavaScript and about 40 ms for sqlite-vec's KNN (which also reads every vector out of the database).
//
// The module is a few dozen instructions, assembled below from named opcodes rather than shipped as a binary, so
// what runs is what is read here. Where WebAssembly SIMD is unavailable (a runtime started with --jitless, say)
// the same scans run in JavaScript; the tests check that both give the same numbers.

/**
 * The few members of the WebAssembly JavaScript API used here. TypeScript declares them in its DOM library, which
 * this project does not load (core code is Node code).
 */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number }) => RowMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

const webAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

/** Memory the rows live in: grows by pages of 64 KiB and keeps its contents; `buffer` is replaced when it grows. */
export interface RowMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** WebAssembly memory comes in pages of 64 KiB. */
export const PAGE_BYTES = 65_536;

/** Memory of one page where WebAssembly runs; without it, a plain buffer that grows the same way. */
export function createRowMemory(): RowMemory {
  if (webAssembly) {
    try {
      return new webAssembly.Memory({ initial: 1 });
    } catch {
      // WebAssembly disabled (--jitless): the JavaScript scans work on a plain buffer.
    }
  }
  let buffer = new ArrayBuffer(PAGE_BYTES);
  return {
    get buffer() {
      return buffer;
    },
    grow(pages: number) {
      const previous = buffer.byteLength / PAGE_BYTES;
      const next = new ArrayBuffer(buffer.byteLength + pages * PAGE_BYTES);
      new Uint8Array(next).set(new Uint8Array(buffer));
      buffer = next;
      return previous;
    },
  };
}

/** A scan over `count` rows of `rowBytes` each, starting at byte `rows` of the memory; results from byte `out`. */
export type RowScan = (query: number, rows: number, count: number, rowBytes: number, out: number) => void;

/** The scans over rows held in one memory. */
export interface RowKernels {
  /**
   * out[r] = Σ query[j] · row_r[j] over float32 rows (float32 results). `rowBytes` is a multiple of 32; rows and
   * query are zero past their dimensions.
   */
  dotFloat32: RowScan;
  /**
   * out[r] = Σ (query[j] − row_r[j])² over int8 rows (int32 results, exact). `rowBytes` is a multiple of 16; rows
   * and query are zero past their dimensions.
   */
  squaredDistanceInt8: RowScan;
  /** Whether these are the WebAssembly scans (false: the JavaScript ones). */
  simd: boolean;
}

/** Row sizes the scans need: float32 rows in steps of 32 bytes (two 4-lane loads), int8 rows in steps of 16. */
export const ROW_ALIGNMENT = { float32: 32, int8: 16 } as const;

// ---- a minimal assembler: only what the two functions use ----

const unsignedLeb = (value: number): number[] => {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
};
const section = (id: number, body: number[]): number[] => [id, ...unsignedLeb(body.length), ...body];
const name = (text: string): number[] => [...unsignedLeb(text.length), ...Buffer.from(text, 'utf8')];
const vector = (body: number[]): number[] => [...unsignedLeb(body.length), ...body];

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  tee: (local: number) => [0x22, local],
  i32Const: (value: number) => [0x41, ...signedLeb(value)],
  i32Add: [0x6a],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  i32Shl: [0x74],
  i32Store: [0x36, 2, 0],
  f32Add: [0x92],
  f32Store: [0x38, 2, 0],
  // SIMD instructions: the 0xfd prefix, then the instruction's number.
  v128Load: (offset: number) => [0xfd, ...unsignedLeb(0x00), 4, ...unsignedLeb(offset)],
  v128Zero: [0xfd, ...unsignedLeb(0x0c), ...new Array<number>(16).fill(0)],
  i32x4ExtractLane: (lane: number) => [0xfd, ...unsignedLeb(0x1b), lane],
  f32x4ExtractLane: (lane: number) => [0xfd, ...unsignedLeb(0x1f), lane],
  i16x8ExtendLowI8x16: [0xfd, ...unsignedLeb(0x87)],
  i16x8ExtendHighI8x16: [0xfd, ...unsignedLeb(0x88)],
  i16x8Sub: [0xfd, ...unsignedLeb(0x91)],
  i32x4Add: [0xfd, ...unsignedLeb(0xae)],
  i32x4DotI16x8: [0xfd, ...unsignedLeb(0xba)],
  f32x4Add: [0xfd, ...unsignedLeb(0xe4)],
  f32x4Mul: [0xfd, ...unsignedLeb(0xe6)],
};

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

// Locals of both functions: the five parameters, then the row counter, the byte within the row, two accumulators.
const QUERY = 0;
const ROWS = 1;
const COUNT = 2;
const ROW_BYTES = 3;
const OUT = 4;
const ROW = 5;
const BYTE = 6;
const FIRST = 7;
const SECOND = 8;
/** The locals past the parameters, as the code section declares them: two groups, 2 × i32 and 2 × v128. */
const LOCALS = [2, 2, I32, 2, V128];

/** `for (row = 0; row < count; row++, rows += rowBytes) { zero accumulators; for (byte = 0; …) inner; store }`. */
function overRows(inner: number[], step: number, store: number[]): number[] {
  return [
    ...op.block,
    ...op.loop,
    ...op.get(ROW), ...op.get(COUNT), ...op.i32GeU, ...op.brIf(1),
    ...op.v128Zero, ...op.set(FIRST),
    ...op.v128Zero, ...op.set(SECOND),
    ...op.i32Const(0), ...op.set(BYTE),
    ...op.loop,
    ...inner,
    ...op.get(BYTE), ...op.i32Const(step), ...op.i32Add, ...op.tee(BYTE), ...op.get(ROW_BYTES), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    // The result's address: out + row × 4.
    ...op.get(OUT), ...op.get(ROW), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add,
    ...store,
    ...op.get(ROWS), ...op.get(ROW_BYTES), ...op.i32Add, ...op.set(ROWS),
    ...op.get(ROW), ...op.i32Const(1), ...op.i32Add, ...op.set(ROW),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** The vector at `base + byte + offset`. */
const load = (base: number, offset: number) => [...op.get(base), ...op.get(BYTE), ...op.i32Add, ...op.v128Load(offset)];

const dotFloat32Body = overRows(
  [
    // Two independent accumulators, 8 floats per step: the additions of one do not wait on the other's.
    ...op.get(FIRST), ...load(ROWS, 0), ...load(QUERY, 0), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(FIRST),
    ...op.get(SECOND), ...load(ROWS, 16), ...load(QUERY, 16), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(SECOND),
  ],
  ROW_ALIGNMENT.float32,
  [
    ...op.get(FIRST), ...op.get(SECOND), ...op.f32x4Add, ...op.set(FIRST),
    ...op.get(FIRST), ...op.f32x4ExtractLane(0), ...op.get(FIRST), ...op.f32x4ExtractLane(1), ...op.f32Add,
    ...op.get(FIRST), ...op.f32x4ExtractLane(2), ...op.f32Add, ...op.get(FIRST), ...op.f32x4ExtractLane(3), ...op.f32Add,
    ...op.f32Store,
  ],
);

/** (row − query) widened to 16 bits, the low or high 8 lanes of the 16 bytes at `byte`. */
const difference = (extend: number[]) => [...load(ROWS, 0), ...extend, ...load(QUERY, 0), ...extend, ...op.i16x8Sub];

const squaredDistanceInt8Body = overRows(
  [
    // Differences fit 16 bits (|a − b| ≤ 254); dot(d, d) adds pairs of squares into 32-bit lanes.
    ...op.get(FIRST), ...difference(op.i16x8ExtendLowI8x16), ...op.tee(SECOND), ...op.get(SECOND), ...op.i32x4DotI16x8, ...op.i32x4Add, ...op.set(FIRST),
    ...op.get(FIRST), ...difference(op.i16x8ExtendHighI8x16), ...op.tee(SECOND), ...op.get(SECOND), ...op.i32x4DotI16x8, ...op.i32x4Add, ...op.set(FIRST),
  ],
  ROW_ALIGNMENT.int8,
  [
    ...op.get(FIRST), ...op.i32x4ExtractLane(0), ...op.get(FIRST), ...op.i32x4ExtractLane(1), ...op.i32Add,
    ...op.get(FIRST), ...op.i32x4ExtractLane(2), ...op.i32Add, ...op.get(FIRST), ...op.i32x4ExtractLane(3), ...op.i32Add,
    ...op.i32Store,
  ],
);

/** The module: one imported memory, two exported functions of type (i32 × 5) → (). */
function moduleBytes(): Uint8Array {
  const body = (instructions: number[]) => vector([...LOCALS, ...instructions, ...op.end]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x00]),
    ...section(3, [2, 0, 0]),
    ...section(7, [2, ...name('dotFloat32'), 0x00, 0, ...name('squaredDistanceInt8'), 0x00, 1]),
    ...section(10, [2, ...body(dotFloat32Body), ...body(squaredDistanceInt8Body)]),
  ]);
}

let compiled: object | null | undefined;

/** The compiled module, or null where WebAssembly (or its SIMD) is unavailable. */
function simdModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = webAssembly ? new webAssembly.Module(moduleBytes()) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * The scans over one memory (from `createRowMemory`): WebAssembly SIMD where available, else JavaScript (or
 * JavaScript when asked for).
 */
export function rowKernels(memory: RowMemory, options: { simd?: boolean } = {}): RowKernels {
  const module = options.simd === false ? null : simdModule();
  if (module && webAssembly) {
    try {
      const exports = new webAssembly.Instance(module, { env: { memory } }).exports as unknown as Omit<RowKernels, 'simd'>;
      return { dotFloat32: exports.dotFloat32, squaredDistanceInt8: exports.squaredDistanceInt8, simd: true };
    } catch {
      // A plain buffer (no WebAssembly memory): the JavaScript scans below.
    }
  }
  return {
    simd: false,
    dotFloat32(query, rows, count, rowBytes, out) {
      const floats = new Float32Array(memory.buffer);
      const width = rowBytes >> 2;
      const q = floats.subarray(query >> 2, (query >> 2) + width);
      for (let row = 0, offset = rows >> 2; row < count; row++, offset += width) {
        let sum = 0;
        for (let index = 0; index < width; index++) sum += floats[offset + index]! * q[index]!;
        floats[(out >> 2) + row] = sum;
      }
    },
    squaredDistanceInt8(query, rows, count, rowBytes, out) {
      const bytes = new Int8Array(memory.buffer);
      const results = new Int32Array(memory.buffer);
      for (let row = 0, offset = rows; row < count; row++, offset += rowBytes) {
        let sum = 0;
        for (let index = 0; index < rowBytes; index++) {
          const difference = bytes[offset + index]! - bytes[query + index]!;
          sum += difference * difference;
        }
        results[(out >> 2) + row] = sum;
      }
    },
  };
}
