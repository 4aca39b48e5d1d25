import { CheckpointError } from '../checkpoint-error.js';
import { PickleGlobal, PickleTuple } from './pickle-value.js';
import type { PickleValue } from './pickle-value.js';

/** What the unpickler may do with one allow-listed global. */
export interface AllowedGlobal {
  /**
   * Builds the result of `REDUCE` (calling the global with `args`). Absent: the global may only be
   * used as a value (e.g. a storage class inside a persistent id), never called.
   */
  readonly call?: (args: readonly PickleValue[]) => PickleValue;
}

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /** The file name, for errors. */
  readonly file: string;
  /** Globals the pickle may reference, keyed `module.name`. Any other global is refused. */
  readonly allowedGlobals: ReadonlyMap<string, AllowedGlobal>;
  /** Resolves a persistent id (`PERSID` / `BINPERSID`); absent: persistent ids are refused. */
  readonly persistentLoad?: (pid: PickleValue) => PickleValue;
  /** Byte offset where the pickle starts (several pickles may follow each other). Default 0. */
  readonly offset?: number;
}

/** Result of {@link unpickle}. */
export interface UnpickleResult {
  /** The unpickled value. */
  readonly value: PickleValue;
  /** Byte offset just after the `STOP` opcode. */
  readonly end: number;
}

const MARK = Symbol('mark');
/** Hexadecimal digits of every byte value. */
const HEX_BYTES = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, '0'));
/** Longest binary integer (LONG1/LONG4) accepted: a state dict holds nothing near this. */
const MAXIMUM_LONG_BYTES = 1 << 20;
/** Longest decimal integer (INT/LONG text opcodes): Python's `sys.int_info.default_max_str_digits`. */
const MAXIMUM_DECIMAL_DIGITS = 4300;
type StackItem = PickleValue | typeof MARK;

/**
 * A restricted unpickler: it interprets the pickle opcodes of protocols 0–5 that state dicts use and
 * builds only plain containers, scalars, strings, bytes and the objects that allow-listed globals'
 * builders return. **It executes nothing**: a global outside the allow-list is refused when the
 * `GLOBAL`/`STACK_GLOBAL`/`INST` opcode is read, before any `REDUCE`; class instantiation
 * (`NEWOBJ`, `OBJ`, `INST`), the extension registry and out-of-band buffers are refused too.
 *
 * @throws {@link CheckpointError} `CHECKPOINT_DISALLOWED_GLOBAL` naming the file and `module.name`,
 *   or `CHECKPOINT_INVALID_PICKLE` for malformed or unsupported input.
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): UnpickleResult {
  const { file, allowedGlobals } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let position = options.offset ?? 0;
  /** Offset of the opcode being interpreted (for errors). */
  let opcodeStart = position;
  const stack: StackItem[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  const decoder = new TextDecoder('utf-8', { fatal: true });

  const invalid = (message: string): never => {
    throw new CheckpointError('CHECKPOINT_INVALID_PICKLE', `${file}: invalid pickle at byte ${position}: ${message}`, {
      file,
      offset: position,
    });
  };
  const need = (count: number): number => {
    if (!Number.isSafeInteger(count) || count < 0 || position + count > bytes.byteLength) {
      invalid(`needs ${count} more bytes but the data ends at byte ${bytes.byteLength}`);
    }
    const start = position;
    position += count;
    return start;
  };
  const u8 = (): number => bytes[need(1)]!;
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const i32 = (): number => view.getInt32(need(4), true);
  const u64 = (): number => {
    const value = view.getBigUint64(need(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) invalid(`length ${value} is too large`);
    return Number(value);
  };
  const take = (count: number): Uint8Array => {
    const start = need(count);
    return bytes.subarray(start, start + count);
  };
  const utf8 = (count: number): string => {
    try {
      return decoder.decode(take(count));
    } catch {
      return invalid('string is not valid UTF-8');
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, position);
    if (end < 0) invalid('unterminated text argument');
    const text = new TextDecoder('latin1').decode(bytes.subarray(position, end));
    position = end + 1;
    return text;
  };
  const pop = (): PickleValue => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]!))
      invalid('stack underflow');
    const item = stack.pop()!;
    if (item === MARK) return invalid('unexpected MARK');
    return item;
  };
  const top = (): PickleValue => {
    const item = stack[stack.length - 1];
    if (item === undefined || item === MARK) return invalid('stack underflow');
    return item;
  };
  const popMark = (): PickleValue[] => {
    const mark = marks.pop();
    if (mark === undefined) return invalid('no MARK on the stack');
    const items = stack.splice(mark + 1) as PickleValue[];
    stack.pop(); // the MARK itself
    return items;
  };
  const resolveGlobal = (module: string, name: string): PickleGlobal => {
    const qualifiedName = `${module}.${name}`;
    if (!allowedGlobals.has(qualifiedName)) {
      throw new CheckpointError(
        'CHECKPOINT_DISALLOWED_GLOBAL',
        `${file}: the pickle references the global ${qualifiedName}, which is not on the allow-list of safe globals; refusing to load the file (nothing was executed)`,
        { file, key: qualifiedName, expected: [...allowedGlobals.keys()], actual: qualifiedName, offset: opcodeStart },
      );
    }
    return new PickleGlobal(module, name);
  };
  const memoGet = (index: number): PickleValue => {
    if (!memo.has(index)) invalid(`memo entry ${index} is not defined`);
    return memo.get(index)!;
  };
  const integerOf = (value: bigint): number | bigint =>
    value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  // Two's complement little-endian bytes → integer, in time linear in the length: one hexadecimal
  // string parsed once (shifting a BigInt per byte would be quadratic).
  const decodeLong = (data: Uint8Array): number | bigint => {
    if (data.length === 0) return 0;
    if (data.length > MAXIMUM_LONG_BYTES)
      invalid(`a ${data.length}-byte integer is longer than the ${MAXIMUM_LONG_BYTES} bytes a state dict can use`);
    const digits = new Array<string>(data.length);
    for (let index = 0; index < data.length; index += 1) digits[data.length - 1 - index] = HEX_BYTES[data[index]!]!;
    let value = BigInt(`0x${digits.join('')}`);
    if (data[data.length - 1]! & 0x80) value -= 1n << BigInt(8 * data.length);
    return integerOf(value);
  };
  const decimal = (text: string, what: string): number | bigint => {
    if (!/^[+-]?\d+$/.test(text)) return invalid(`bad ${what} ${JSON.stringify(text.slice(0, 40))}`);
    if (text.length > MAXIMUM_DECIMAL_DIGITS)
      invalid(`${what} with ${text.length} digits exceeds ${MAXIMUM_DECIMAL_DIGITS} (Python's own limit for int())`);
    return integerOf(BigInt(text));
  };
  const setItems = (target: PickleValue, items: PickleValue[]): void => {
    if (!(target instanceof Map)) invalid('SETITEM(S) on a value that is not a dict');
    if (items.length % 2 !== 0) invalid('SETITEMS with an odd number of items');
    for (let index = 0; index < items.length; index += 2)
      (target as Map<PickleValue, PickleValue>).set(items[index]!, items[index + 1]!);
  };
  const appendItems = (target: PickleValue, items: PickleValue[]): void => {
    if (target instanceof Set) {
      for (const item of items) target.add(item);
      return;
    }
    if (!Array.isArray(target)) invalid('APPEND(S) on a value that is not a list');
    // one at a time: spreading a long MARK group into push() would overflow the call stack
    for (const item of items) (target as PickleValue[]).push(item);
  };
  const unsupported = (name: string): never =>
    invalid(`opcode ${name} is not supported by the restricted unpickler (it would construct arbitrary objects)`);

  for (;;) {
    opcodeStart = position;
    const opcode = u8();
    switch (opcode) {
      case 0x80: // PROTO
        if (u8() > 5) invalid('pickle protocol above 5');
        break;
      case 0x95: // FRAME: framing is only a read-ahead hint
        u64();
        break;
      case 0x2e: {
        // STOP
        const value = pop();
        return { value, end: position };
      }
      case 0x28: // MARK
        marks.push(stack.length);
        stack.push(MARK);
        break;
      case 0x30: // POP
        if (stack[stack.length - 1] === MARK) {
          stack.pop();
          marks.pop();
        } else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      // --- scalars
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(decodeLong(take(u8())));
        break;
      case 0x8b: {
        // LONG4
        const length = i32();
        if (length < 0) invalid('negative LONG4 length');
        stack.push(decodeLong(take(length)));
        break;
      }
      case 0x49: {
        // INT (text); "I00"/"I01" are False/True
        const text = line();
        if (text === '00') stack.push(false);
        else if (text === '01') stack.push(true);
        else stack.push(decimal(text, 'INT'));
        break;
      }
      case 0x4c: {
        // LONG (text, trailing L)
        stack.push(decimal(line().replace(/L$/, ''), 'LONG'));
        break;
      }
      case 0x47: // BINFLOAT (big-endian double)
        stack.push(view.getFloat64(need(8), false));
        break;
      case 0x46: {
        // FLOAT (text)
        const value = Number(line());
        if (Number.isNaN(value)) invalid('bad FLOAT');
        stack.push(value);
        break;
      }
      // --- strings and bytes
      case 0x58: // BINUNICODE
        stack.push(utf8(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8(u64()));
        break;
      case 0x56: // UNICODE (raw-unicode-escape, text)
        stack.push(
          line().replace(
            /\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g,
            (_match, short: string | undefined, long: string | undefined) => {
              const codePoint = parseInt(short ?? long ?? '0', 16);
              if (codePoint > 0x10ffff) invalid(`UNICODE escape \\U${long ?? ''} is not a Unicode code point`);
              return String.fromCodePoint(codePoint);
            },
          ),
        );
        break;
      case 0x54: {
        // BINSTRING (Python 2 str, decoded as latin-1 like pickle's encoding='latin1')
        const length = i32();
        if (length < 0) invalid('negative BINSTRING length');
        stack.push(new TextDecoder('latin1').decode(take(length)));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(new TextDecoder('latin1').decode(take(u8())));
        break;
      case 0x53: {
        // STRING (quoted repr, text)
        const text = line();
        const quote = text[0];
        if ((quote !== "'" && quote !== '"') || text[text.length - 1] !== quote || text.length < 2)
          invalid('bad STRING');
        stack.push(text.slice(1, -1));
        break;
      }
      case 0x42: // BINBYTES
        stack.push(take(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()));
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()));
        break;
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()));
        break;
      // --- containers
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PickleTuple([]));
        break;
      case 0x8f: // EMPTY_SET
        stack.push(new Set());
        break;
      case 0x85: // TUPLE1
        stack.push(new PickleTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const second = pop();
        stack.push(new PickleTuple([pop(), second]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const third = pop();
        const second = pop();
        stack.push(new PickleTuple([pop(), second, third]));
        break;
      }
      case 0x74: {
        // TUPLE
        const items = popMark();
        stack.push(new PickleTuple(items));
        break;
      }
      case 0x6c: {
        // LIST
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x64: {
        // DICT
        const items = popMark();
        const dict = new Map<PickleValue, PickleValue>();
        setItems(dict, items);
        stack.push(dict);
        break;
      }
      case 0x91: {
        // FROZENSET
        const items = popMark();
        stack.push(new Set(items));
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop();
        appendItems(top(), [value]);
        break;
      }
      case 0x65: // APPENDS
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      // --- memo
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x70: // PUT (text)
        memo.set(Number(line()), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      case 0x67: // GET (text)
        stack.push(memoGet(Number(line())));
        break;
      // --- globals, calls, persistent ids
      case 0x63: {
        // GLOBAL "module\nname\n": checked against the allow-list right here.
        const module = line();
        const name = line();
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') invalid('STACK_GLOBAL needs two strings');
        stack.push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x69: {
        // INST "module\nname\n": refuse disallowed globals first, then the opcode itself.
        resolveGlobal(line(), line());
        unsupported('INST');
        break;
      }
      case 0x52: {
        // REDUCE: only allow-listed globals with a builder can be "called".
        const args = pop();
        const callable = pop();
        if (!(callable instanceof PickleGlobal)) return invalid('REDUCE on a value that is not a global');
        const allowed = allowedGlobals.get(callable.qualifiedName);
        if (allowed?.call === undefined) return invalid(`the global ${callable.qualifiedName} cannot be called`);
        if (!(args instanceof PickleTuple))
          return invalid(`REDUCE arguments of ${callable.qualifiedName} are not a tuple`);
        stack.push(allowed.call(args.items));
        break;
      }
      case 0x62: {
        // BUILD: state for an object. Only a dict (e.g. OrderedDict with `_metadata`) accepts it, and
        // the state is ignored (it would set Python attributes).
        pop();
        if (!(top() instanceof Map)) invalid('BUILD on a value that is not a dict');
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (options.persistentLoad === undefined) invalid('persistent ids are not allowed here');
        stack.push(options.persistentLoad!(pid));
        break;
      }
      case 0x50: {
        // PERSID (text)
        const pid = line();
        if (options.persistentLoad === undefined) invalid('persistent ids are not allowed here');
        stack.push(options.persistentLoad!(pid));
        break;
      }
      case 0x81:
        unsupported('NEWOBJ');
        break;
      case 0x92:
        unsupported('NEWOBJ_EX');
        break;
      case 0x6f:
        unsupported('OBJ');
        break;
      case 0x82:
      case 0x83:
      case 0x84:
        unsupported('EXT1/EXT2/EXT4');
        break;
      case 0x97:
      case 0x98:
        unsupported('NEXT_BUFFER/READONLY_BUFFER');
        break;
      default:
        invalid(`unknown opcode 0x${opcode.toString(16).padStart(2, '0')}`);
    }
  }
}
