/** A reference to a Python global (`module.name`) that the allow-list admitted. */
export class PickleGlobal {
  /**
   * @param module - the module, as written in the pickle (e.g. `torch._utils`).
   * @param name - the attribute (e.g. `_rebuild_tensor_v2`).
   */
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  /** `module.name`. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A Python tuple (kept apart from lists so callers can tell them apart). */
export class PickleTuple {
  /** @param items - the tuple's elements. */
  constructor(readonly items: readonly PickleValue[]) {}
}

/** An object built by an allow-listed reducer (a tensor, a storage reference...). */
export interface PickleObject {
  /** Discriminates the kinds of object reducers build. */
  readonly pickleKind: string;
}

/**
 * The values the restricted unpickler can build: Python scalars, strings, bytes, lists, tuples,
 * dicts (also `OrderedDict`), sets, allow-listed globals, and objects built by allow-listed reducers.
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | Map<PickleValue, PickleValue>
  | Set<PickleValue>
  | PickleGlobal
  | PickleObject;
