import { describe, expect, it, vi } from 'vitest';
import { CheckpointError } from '../checkpoint-error.js';
import { concatBytes, intTuple, pickle } from '../test-builders.js';
import type { PickleTuple } from './pickle-value.js';
import { PickleGlobal } from './pickle-value.js';
import { torchAllowedGlobals } from './torch-globals.js';
import { unpickle } from './unpickler.js';
import type { AllowedGlobal } from './unpickler.js';

const none = new Map<string, AllowedGlobal>();

function load(parts: number[][], allowedGlobals: ReadonlyMap<string, AllowedGlobal> = none) {
  return unpickle(concatBytes(...parts), { file: 'test.pkl', allowedGlobals }).value;
}

function error(run: () => unknown): CheckpointError {
  try {
    run();
  } catch (caught) {
    expect(caught).toBeInstanceOf(CheckpointError);
    return caught as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('unpickle', () => {
  it('builds scalars, strings, tuples, lists and dicts', () => {
    const value = load([
      pickle.proto(4),
      pickle.frame(100),
      pickle.emptyDict(),
      pickle.memoize(),
      pickle.mark(),
      pickle.shortString('ints'),
      intTuple([0, 255, 256, 65535, 65536, -1]),
      pickle.shortString('list'),
      pickle.emptyList(),
      pickle.memoize(),
      pickle.mark(),
      pickle.none(),
      pickle.newFalse(),
      [0x88], // NEWTRUE
      [0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0], // BINFLOAT 1.5
      [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19], // LONG1 (torch's magic number)
      [0x8a, 0x01, 0xff], // LONG1 -1
      [0x43, 0x02, 0x01, 0x02], // SHORT_BINBYTES
      pickle.appends(),
      pickle.shortString('again'),
      pickle.binGet(1), // the memoized list
      pickle.setItems(),
      pickle.stop(),
    ]) as Map<unknown, unknown>;
    expect(value).toBeInstanceOf(Map);
    expect((value.get('ints') as PickleTuple).items).toEqual([0, 255, 256, 65535, 65536, -1]);
    const list = value.get('list') as unknown[];
    expect(list.slice(0, 6)).toEqual([null, false, true, 1.5, 0x1950a86a20f9469cfc6cn, -1]);
    expect(Array.from(list[6] as Uint8Array)).toEqual([1, 2]);
    expect(value.get('again')).toBe(list);
  });

  it('reads protocol 0 text opcodes', () => {
    const text = (source: string) => Array.from(new TextEncoder().encode(source));
    const value = load([text("(lp0\nI1\naI00\naL12345678901234567890L\naF0.25\naS'abc'\naVx\\u00e9\na.")]);
    expect(value).toEqual([1, false, 12345678901234567890n, 0.25, 'abc', 'xé']);
  });

  it('refuses a disallowed global when GLOBAL is read, before its REDUCE', () => {
    const call = vi.fn(() => null);
    const payload = [
      pickle.proto(2),
      pickle.global('posix', 'system'),
      pickle.mark(),
      pickle.string('echo pwned'),
      pickle.tuple(),
      pickle.reduce(),
      pickle.stop(),
    ];
    // Sanity: with posix.system allowed, the same pickle does reach REDUCE and calls it.
    load(payload, new Map([['posix.system', { call }]]));
    expect(call).toHaveBeenCalledOnce();
    call.mockClear();
    const refused = error(() => load(payload, torchAllowedGlobals('test.pkl')));
    expect(refused.code).toBe('CHECKPOINT_DISALLOWED_GLOBAL');
    expect(refused.message).toContain('test.pkl');
    expect(refused.message).toContain('posix.system');
    expect(refused.details.key).toBe('posix.system');
    expect(refused.details.offset).toBe(2); // the GLOBAL opcode, not the REDUCE at the end
    expect(call).not.toHaveBeenCalled();
  });

  it('refuses disallowed globals named through STACK_GLOBAL and INST', () => {
    const stackGlobal = error(() =>
      load([
        pickle.proto(4),
        pickle.shortString('builtins'),
        pickle.shortString('exec'),
        pickle.stackGlobal(),
        pickle.stop(),
      ]),
    );
    expect(stackGlobal.code).toBe('CHECKPOINT_DISALLOWED_GLOBAL');
    expect(stackGlobal.message).toContain('builtins.exec');
    const inst = error(() => load([pickle.mark(), pickle.inst('__builtin__', 'eval'), pickle.stop()]));
    expect(inst.code).toBe('CHECKPOINT_DISALLOWED_GLOBAL');
    expect(inst.message).toContain('__builtin__.eval');
  });

  it('never calls a global without a builder, and refuses object construction opcodes', () => {
    const storage = error(() =>
      load(
        [pickle.proto(2), pickle.global('torch', 'FloatStorage'), pickle.emptyTuple(), pickle.reduce(), pickle.stop()],
        torchAllowedGlobals('test.pkl'),
      ),
    );
    expect(storage.code).toBe('CHECKPOINT_INVALID_PICKLE');
    expect(storage.message).toContain('torch.FloatStorage cannot be called');
    for (const opcode of [0x81, 0x92, 0x6f, 0x82, 0x97]) {
      const refused = error(() =>
        load(
          [pickle.proto(2), pickle.global('collections', 'OrderedDict'), pickle.emptyTuple(), [opcode], pickle.stop()],
          torchAllowedGlobals('test.pkl'),
        ),
      );
      expect(refused.code).toBe('CHECKPOINT_INVALID_PICKLE');
    }
  });

  it('keeps allowed globals as values', () => {
    const value = load(
      [pickle.proto(2), pickle.global('torch', 'LongStorage'), pickle.stop()],
      torchAllowedGlobals('test.pkl'),
    );
    expect(value).toBeInstanceOf(PickleGlobal);
    expect((value as PickleGlobal).qualifiedName).toBe('torch.LongStorage');
  });

  it('rejects malformed input with a typed error instead of crashing or hanging', () => {
    const cases: number[][][] = [
      [[]], // empty
      [pickle.proto(2)], // no STOP
      [pickle.proto(2), [0x58, 0xff, 0xff, 0xff, 0x7f]], // string longer than the data
      [pickle.proto(2), pickle.binGet(9), pickle.stop()], // undefined memo entry
      [pickle.proto(2), pickle.setItems(), pickle.stop()], // no MARK
      [pickle.proto(2), pickle.stop()], // empty stack
      [pickle.proto(2), [0xff], pickle.stop()], // unknown opcode
      [pickle.proto(2), pickle.none(), pickle.binPersId(), pickle.stop()], // no persistent_load
      [
        pickle.proto(2),
        pickle.emptyList(),
        pickle.mark(),
        pickle.int(1),
        pickle.int(2),
        pickle.setItems(),
        pickle.stop(),
      ], // SETITEMS on a list
    ];
    for (const parts of cases) expect(error(() => load(parts)).code).toBe('CHECKPOINT_INVALID_PICKLE');
  });
});
