interface TrieNode {
  readonly children: Map<string, TrieNode>;
  terminal: boolean;
}

/**
 * The added-token splitter of transformers' slow tokenizers (`tokenization_utils.Trie`), ported
 * step by step (including its look-ahead for longer and earlier matches): cuts a text into pieces so
 * that each occurrence of an added token is a piece of its own.
 */
export class AddedTokensTrie {
  private readonly root: TrieNode = { children: new Map(), terminal: false };
  private readonly tokens = new Set<string>();
  private firstUnits: RegExp | null = null;

  /** Adds a token (empty strings are ignored). */
  add(token: string): void {
    if (token.length === 0 || this.tokens.has(token)) return;
    this.tokens.add(token);
    let node = this.root;
    // UTF-16 units, as the split works on UTF-16 units (equivalent to code points for valid text).
    for (let index = 0; index < token.length; index += 1) {
      const unit = token[index]!;
      let child = node.children.get(unit);
      if (child === undefined) {
        child = { children: new Map(), terminal: false };
        node.children.set(unit, child);
      }
      node = child;
    }
    node.terminal = true;
    this.firstUnits = null;
  }

  /** True when no token has been added. */
  get empty(): boolean {
    return this.tokens.size === 0;
  }

  /**
   * Splits `text` at added tokens; returns the cut points as `[start, end)` pairs covering the text.
   */
  split(text: string): Array<[number, number]> {
    const length = text.length;
    const root = this.root;
    this.firstUnits ??= new RegExp(
      `[${[...root.children.keys()].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`,
    );
    if (root.children.size === 0 || !this.firstUnits.test(text)) return length === 0 ? [] : [[0, length]];
    let states = new Map<number, TrieNode>();
    const offsets: number[] = [0];
    let skip = 0;
    const firstUnits = new RegExp(this.firstUnits.source, 'g');
    for (let current = 0; current < length; current += 1) {
      if (skip !== 0 && current < skip) continue;
      if (states.size === 0) {
        // Nothing is being matched: jump to the next character that can start a token.
        firstUnits.lastIndex = current;
        const next = firstUnits.exec(text);
        if (next === null) break;
        current = next.index;
        if (skip !== 0 && current < skip) continue;
      }
      const character = text[current]!;
      let toRemove: number[] | null = null;
      let reset = false;
      if (states.size > 0)
        for (const [stateStart, node] of states) {
          let start = stateStart;
          if (node.terminal) {
            let end = current;
            for (const [lookStart, lookNodeInitial] of states) {
              let lookNode = lookNodeInitial;
              let lookaheadIndex: number;
              if (lookStart > start) break;
              else if (lookStart < start) {
                lookaheadIndex = current + 1;
                end = current + 1;
              } else {
                lookaheadIndex = current;
                end = current;
              }
              let nextCharacter = lookaheadIndex < length ? text[lookaheadIndex] : undefined;
              if (lookNode.terminal) {
                start = lookStart;
                end = lookaheadIndex;
                skip = lookaheadIndex;
              }
              while (nextCharacter !== undefined && lookNode.children.has(nextCharacter)) {
                lookNode = lookNode.children.get(nextCharacter)!;
                lookaheadIndex += 1;
                if (lookNode.terminal) {
                  start = lookStart;
                  end = lookaheadIndex;
                  skip = lookaheadIndex;
                }
                if (lookaheadIndex === length) break;
                nextCharacter = text[lookaheadIndex];
              }
            }
            offsets.push(start, end);
            reset = true;
            break;
          } else if (node.children.has(character)) {
            states.set(stateStart, node.children.get(character)!);
          } else {
            (toRemove ??= []).push(stateStart);
          }
        }
      if (reset) states = new Map();
      else if (toRemove !== null) for (const start of toRemove) states.delete(start);
      if (current >= skip && root.children.has(character)) states.set(current, root.children.get(character)!);
    }
    for (const [start, node] of states) {
      if (node.terminal) {
        offsets.push(start, length);
        break;
      }
    }
    offsets.push(length);
    const pieces: Array<[number, number]> = [];
    let start = 0;
    for (const end of offsets) {
      if (start >= end) continue;
      pieces.push([start, end]);
      start = end;
    }
    return pieces;
  }
}
