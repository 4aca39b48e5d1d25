import { CheckpointError } from '../checkpoint-error.js';

/** A MessagePack extension value: its type and raw payload. */
export class MsgpackExtension {
  /**
   * @param type - the extension type (-128..127).
   * @param data - the payload (a view of the input, not a copy).
   */
  constructor(
    readonly type: number,
    readonly data: Uint8Array,
  ) {}
}

/** Values {@link decodeMsgpack} produces. Maps with string keys become `Map<string, ...>` too. */
export type MsgpackValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | MsgpackValue[]
  | Map<MsgpackValue, MsgpackValue>
  | MsgpackExtension;

/** Options of {@link decodeMsgpack}. */
export interface DecodeMsgpackOptions {
  /** The file name, for errors. */
  readonly file: string;
  /** Maximum nesting of arrays and maps (default 64). */
  readonly maximumDepth?: number;
}

/**
 * Decodes one MessagePack value that fills `bytes` exactly. Every length is checked against the
 * bytes that remain before anything is allocated; `bin` and `ext` payloads are views of the input.
 *
 * @throws {@link CheckpointError} `CHECKPOINT_INVALID_MSGPACK` naming the file and the byte offset.
 */
export function decodeMsgpack(bytes: Uint8Array, options: DecodeMsgpackOptions): MsgpackValue {
  const { file } = options;
  const maximumDepth = options.maximumDepth ?? 64;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let position = 0;

  const invalid = (message: string): never => {
    throw new CheckpointError(
      'CHECKPOINT_INVALID_MSGPACK',
      `${file}: invalid MessagePack at byte ${position}: ${message}`,
      {
        file,
        offset: position,
      },
    );
  };
  const need = (count: number): number => {
    if (position + count > bytes.length)
      invalid(`needs ${count} more bytes but the file ends at byte ${bytes.length} (truncated?)`);
    const start = position;
    position += count;
    return start;
  };
  const take = (count: number): Uint8Array => {
    const start = need(count);
    return bytes.subarray(start, start + count);
  };
  const text = (count: number): string => {
    try {
      return decoder.decode(take(count));
    } catch {
      return invalid('string is not valid UTF-8');
    }
  };
  const integer = (value: bigint): number | bigint =>
    value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  // Each element needs at least one byte: a count larger than what remains is a lie.
  const count = (value: number, perItem: number): number => {
    if (value * perItem > bytes.length - position)
      invalid(`a container declares ${value} items but only ${bytes.length - position} bytes remain`);
    return value;
  };

  const value = (depth: number): MsgpackValue => {
    if (depth > maximumDepth) invalid(`nesting deeper than ${maximumDepth}`);
    const type = bytes[need(1)]!;
    if (type <= 0x7f) return type; // positive fixint
    if (type >= 0xe0) return type - 0x100; // negative fixint
    if ((type & 0xf0) === 0x80) return map(type & 0x0f, depth);
    if ((type & 0xf0) === 0x90) return array(type & 0x0f, depth);
    if ((type & 0xe0) === 0xa0) return text(type & 0x1f);
    switch (type) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return take(view.getUint8(need(1)));
      case 0xc5:
        return take(view.getUint16(need(2)));
      case 0xc6:
        return take(view.getUint32(need(4)));
      case 0xc7:
      case 0xc8:
      case 0xc9: {
        const length =
          type === 0xc7 ? view.getUint8(need(1)) : type === 0xc8 ? view.getUint16(need(2)) : view.getUint32(need(4));
        const extensionType = view.getInt8(need(1));
        return new MsgpackExtension(extensionType, take(length));
      }
      case 0xca:
        return view.getFloat32(need(4));
      case 0xcb:
        return view.getFloat64(need(8));
      case 0xcc:
        return view.getUint8(need(1));
      case 0xcd:
        return view.getUint16(need(2));
      case 0xce:
        return view.getUint32(need(4));
      case 0xcf:
        return integer(view.getBigUint64(need(8)));
      case 0xd0:
        return view.getInt8(need(1));
      case 0xd1:
        return view.getInt16(need(2));
      case 0xd2:
        return view.getInt32(need(4));
      case 0xd3:
        return integer(view.getBigInt64(need(8)));
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8: {
        const extensionType = view.getInt8(need(1));
        return new MsgpackExtension(extensionType, take(1 << (type - 0xd4)));
      }
      case 0xd9:
        return text(view.getUint8(need(1)));
      case 0xda:
        return text(view.getUint16(need(2)));
      case 0xdb:
        return text(view.getUint32(need(4)));
      case 0xdc:
        return array(view.getUint16(need(2)), depth);
      case 0xdd:
        return array(view.getUint32(need(4)), depth);
      case 0xde:
        return map(view.getUint16(need(2)), depth);
      case 0xdf:
        return map(view.getUint32(need(4)), depth);
      default:
        return invalid(`unknown type byte 0x${type.toString(16)}`);
    }
  };
  const array = (length: number, depth: number): MsgpackValue[] => {
    const items: MsgpackValue[] = [];
    for (let index = count(length, 1) - 1; index >= 0; index -= 1) items.push(value(depth + 1));
    return items;
  };
  const map = (length: number, depth: number): Map<MsgpackValue, MsgpackValue> => {
    const result = new Map<MsgpackValue, MsgpackValue>();
    for (let index = count(length, 2) - 1; index >= 0; index -= 1) {
      const key = value(depth + 1);
      if (result.has(key)) invalid(`duplicate map key ${String(key)}`);
      result.set(key, value(depth + 1));
    }
    return result;
  };

  const result = value(0);
  if (position !== bytes.length) invalid(`${bytes.length - position} bytes after the value`);
  return result;
}
