/**
 * Test helpers (not exported from the package): writers for small pickles, torch zip archives and
 * MessagePack values, to build inputs the fixtures do not cover.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** Concatenates byte arrays. */
export function concatBytes(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((part) => (part instanceof Uint8Array ? part : Uint8Array.from(part)));
  const output = new Uint8Array(arrays.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of arrays) {
    output.set(part, offset);
    offset += part.length;
  }
  return output;
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}
function u16(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff];
}

/** Pickle opcode writers (protocol 2 unless noted). Each returns the bytes of one opcode. */
export const pickle = {
  proto: (version = 2) => [0x80, version],
  stop: () => [0x2e],
  mark: () => [0x28],
  none: () => [0x4e],
  newFalse: () => [0x89],
  emptyDict: () => [0x7d],
  emptyTuple: () => [0x29],
  emptyList: () => [0x5d],
  tuple: () => [0x74],
  tuple2: () => [0x86],
  setItems: () => [0x75],
  appends: () => [0x65],
  reduce: () => [0x52],
  build: () => [0x62],
  binPersId: () => [0x51],
  int: (value: number) =>
    value >= 0 && value < 256
      ? [0x4b, value]
      : value >= 0 && value < 65536
        ? [0x4d, ...u16(value)]
        : [0x4a, ...u32(value)],
  string: (text: string) => {
    const bytes = new TextEncoder().encode(text);
    return [0x58, ...u32(bytes.length), ...bytes];
  },
  shortString: (text: string) => {
    const bytes = new TextEncoder().encode(text);
    return [0x8c, bytes.length, ...bytes];
  },
  global: (module: string, name: string) => [0x63, ...new TextEncoder().encode(`${module}\n${name}\n`)],
  stackGlobal: () => [0x93],
  inst: (module: string, name: string) => [0x69, ...new TextEncoder().encode(`${module}\n${name}\n`)],
  binPut: (index: number) => [0x71, index],
  binGet: (index: number) => [0x68, index],
  memoize: () => [0x94],
  frame: (length: number) => [0x95, ...u32(length), 0, 0, 0, 0],
};

/** Builds a tuple of integers: MARK ints... TUPLE. */
export function intTuple(values: readonly number[]): number[] {
  return [...pickle.mark(), ...values.flatMap((value) => pickle.int(value)), ...pickle.tuple()];
}

/** One tensor of a torch zip pickle: `key → _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())`. */
export interface PickleTensorSpec {
  readonly key: string;
  readonly storageClass: string;
  readonly storageKey: string;
  readonly numel: number;
  readonly offset: number;
  readonly size: readonly number[];
  readonly stride: readonly number[];
  /** Wrap the tensor in `torch._utils._rebuild_parameter(tensor, True, OrderedDict())` (an nn.Parameter). */
  readonly parameter?: boolean;
}

/** The data.pkl of a torch zip checkpoint holding these tensors. */
export function torchStateDictPickle(tensors: readonly PickleTensorSpec[]): Uint8Array {
  const parts: number[] = [...pickle.proto(2), ...pickle.emptyDict(), ...pickle.mark()];
  for (const tensor of tensors) {
    parts.push(...pickle.string(tensor.key));
    if (tensor.parameter === true) parts.push(...pickle.global('torch._utils', '_rebuild_parameter'), ...pickle.mark());
    parts.push(
      ...pickle.global('torch._utils', '_rebuild_tensor_v2'),
      ...pickle.mark(),
      ...pickle.mark(),
      ...pickle.string('storage'),
      ...pickle.global('torch', tensor.storageClass),
      ...pickle.string(tensor.storageKey),
      ...pickle.string('cpu'),
      ...pickle.int(tensor.numel),
      ...pickle.tuple(),
      ...pickle.binPersId(),
      ...pickle.int(tensor.offset),
      ...intTuple(tensor.size),
      ...intTuple(tensor.stride),
      ...pickle.newFalse(),
      ...pickle.global('collections', 'OrderedDict'),
      ...pickle.emptyTuple(),
      ...pickle.reduce(),
      ...pickle.tuple(),
      ...pickle.reduce(),
    );
    if (tensor.parameter === true) {
      parts.push(
        0x88,
        ...pickle.global('collections', 'OrderedDict'),
        ...pickle.emptyTuple(),
        ...pickle.reduce(),
        ...pickle.tuple(),
        ...pickle.reduce(),
      );
    }
  }
  parts.push(...pickle.setItems(), ...pickle.stop());
  return Uint8Array.from(parts);
}

/** Writes a ZIP archive; `compress` entries are deflated, the others stored. */
export function writeZip(entries: readonly { name: string; data: Uint8Array; compress?: boolean }[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = new TextEncoder().encode(entry.name);
    const data = entry.compress ? new Uint8Array(deflateRawSync(entry.data)) : entry.data;
    const method = entry.compress ? 8 : 0;
    const crc = crc32(entry.data);
    const common = [
      ...u16(20),
      ...u16(0),
      ...u16(method),
      ...u16(0),
      ...u16(0),
      ...u32(crc),
      ...u32(data.length),
      ...u32(entry.data.length),
      ...u16(name.length),
    ];
    const local = concatBytes([...u32(0x04034b50), ...common, ...u16(0)], name, data);
    centrals.push(
      concatBytes(
        [
          ...u32(0x02014b50),
          ...u16(20),
          ...common,
          ...u16(0),
          ...u16(0),
          ...u16(0),
          ...u16(0),
          ...u32(0),
          ...u32(offset),
        ],
        name,
      ),
    );
    locals.push(local);
    offset += local.length;
  }
  const central = concatBytes(...centrals);
  const end = [
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(entries.length),
    ...u16(entries.length),
    ...u32(central.length),
    ...u32(offset),
    ...u16(0),
  ];
  return concatBytes(...locals, central, end);
}

/** Little-endian bytes of float32 values. */
export function float32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}
