/**
 * A byte-keyed double-array trie built from a list of keys, used for the vocabulary pieces and the
 * user-defined symbols. A transition from state `s` on byte `b` goes to `t = base[s] + b`, valid when
 * `check[t] === s`; `values[t]` holds the key's value when a key ends at
 * `t` (else -1). Lookups allocate nothing.
 */
export class DoubleArrayTrie {
  /** Base offsets per state. */
  readonly base: Int32Array;
  /** Parent state of each slot (-1 when free). */
  readonly check: Int32Array;
  /** Value of the key ending at each state, or -1. */
  readonly values: Int32Array;
  /** `rootChild[b]` is 1 when some key starts with byte `b`. */
  readonly rootHasChild: Uint8Array;

  private constructor(base: Int32Array, check: Int32Array, values: Int32Array) {
    this.base = base;
    this.check = check;
    this.values = values;
    this.rootHasChild = new Uint8Array(256);
    for (let byte = 0; byte < 256; byte += 1) {
      const target = base[0]! + byte;
      if (target < check.length && check[target] === 0 && target !== 0) this.rootHasChild[byte] = 1;
    }
  }

  /**
   * Builds a trie from `[keyBytes, value]` pairs (values ≥ 0; duplicate keys keep the first value).
   */
  static build(entries: ReadonlyArray<readonly [Uint8Array, number]>): DoubleArrayTrie {
    const sorted = entries
      .filter(([key]) => key.length > 0)
      .map(([key, value], order) => ({ key, value, order }))
      .sort((left, right) => compareBytes(left.key, right.key) || left.order - right.order);
    let capacity = 1024;
    let base = new Int32Array(capacity);
    let check = new Int32Array(capacity).fill(-1);
    let values = new Int32Array(capacity).fill(-1);
    let used = new Uint8Array(capacity);
    // skip[p] points towards the first free slot >= p (union-find with path compression), so
    // searches jump over used slots at once.
    let skip = new Int32Array(capacity);
    for (let index = 0; index < capacity; index += 1) skip[index] = index + 1;
    const grow = (needed: number): void => {
      if (needed < capacity) return;
      let next = capacity;
      while (next <= needed) next *= 2;
      const extend = <T extends Int32Array | Uint8Array>(array: T, fill: number): T => {
        const grown = new (array.constructor as new (length: number) => T)(next);
        grown.fill(fill);
        grown.set(array);
        return grown;
      };
      base = extend(base, 0);
      check = extend(check, -1);
      values = extend(values, -1);
      used = extend(used, 0);
      skip = extend(skip, 0);
      for (let index = capacity; index < next; index += 1) skip[index] = index + 1;
      capacity = next;
    };
    const firstFreeFrom = (position: number): number => {
      let root = position;
      while (root < capacity && used[root] === 1) root = skip[root]!;
      let walk = position;
      while (walk < root && used[walk] === 1) {
        const next = skip[walk]!;
        skip[walk] = root;
        walk = next;
      }
      return root;
    };
    used[0] = 1;
    check[0] = -2;
    // Work queue: [state, lo, hi, depth] over the sorted keys.
    const queue: number[] = [0, 0, sorted.length, 0];
    const labels: number[] = [];
    const starts: number[] = [];
    for (let head = 0; head < queue.length; head += 4) {
      const state = queue[head]!;
      let lo = queue[head + 1]!;
      const hi = queue[head + 2]!;
      const depth = queue[head + 3]!;
      // A key that ends here gives this state its value (first in order wins for duplicates).
      while (lo < hi && sorted[lo]!.key.length === depth) {
        if (values[state] === -1) values[state] = sorted[lo]!.value;
        lo += 1;
      }
      labels.length = 0;
      starts.length = 0;
      for (let index = lo; index < hi; index += 1) {
        const label = sorted[index]!.key[depth]!;
        if (labels.length === 0 || labels[labels.length - 1] !== label) {
          labels.push(label);
          starts.push(index);
        }
      }
      if (labels.length === 0) continue;
      starts.push(hi);
      const firstLabel = labels[0]!;
      grow(firstLabel + 512);
      let position = firstFreeFrom(firstLabel + 1);
      let chosen = -1;
      for (;;) {
        if (position + 256 >= capacity) grow(position + 512);
        const candidate = position - firstLabel;
        let fits = true;
        for (let index = 1; index < labels.length; index += 1) {
          if (used[candidate + labels[index]!] === 1) {
            fits = false;
            break;
          }
        }
        if (fits) {
          chosen = candidate;
          break;
        }
        position = firstFreeFrom(position + 1);
      }
      base[state] = chosen;
      for (let index = 0; index < labels.length; index += 1) {
        const target = chosen + labels[index]!;
        used[target] = 1;
        check[target] = state;
        queue.push(target, starts[index]!, starts[index + 1]!, depth + 1);
      }
    }
    let size = capacity;
    while (size > 1 && used[size - 1] === 0) size -= 1;
    size += 256;
    grow(size);
    return new DoubleArrayTrie(base.slice(0, size), check.slice(0, size), values.slice(0, size));
  }

  /**
   * Follows one byte from `state`; returns the next state or -1.
   */
  next(state: number, byte: number): number {
    const target = this.base[state]! + byte;
    return this.check[target] === state ? target : -1;
  }

  /**
   * Longest key that is a prefix of `bytes[start, end)`: returns its length in bytes (0 when none);
   * its value is left in {@link lastValue}.
   */
  longestPrefix(bytes: Uint8Array, start: number, end: number): number {
    const base = this.base;
    const check = this.check;
    const values = this.values;
    let state = 0;
    let best = 0;
    for (let position = start; position < end; position += 1) {
      const target = base[state]! + bytes[position]!;
      if (check[target] !== state) break;
      state = target;
      const value = values[state]!;
      if (value >= 0) {
        best = position + 1 - start;
        this.lastValue = value;
      }
    }
    return best;
  }

  /** Value of the key found by the last successful {@link longestPrefix}. */
  lastValue = -1;

  /** Exact lookup of a whole key; returns its value or -1. */
  get(bytes: Uint8Array): number {
    let state = 0;
    for (let position = 0; position < bytes.length; position += 1) {
      const target = this.base[state]! + bytes[position]!;
      if (this.check[target] !== state) return -1;
      state = target;
    }
    return state === 0 ? -1 : this.values[state]!;
  }
}

function compareBytes(left: Uint8Array, right: Uint8Array): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    const difference = left[index]! - right[index]!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}
