import { TokenizerError } from '../tokenizer-error.js';

/**
 * Most instructions a compiled pattern may have (counted repetitions are expanded: `a{1000}{1000}` is
 * refused). The matcher's time is at most proportional to this number times the text length.
 */
export const MAX_REGEX_PROGRAM_SIZE = 20_000;

/** Deepest nesting of groups in a pattern. */
export const MAX_REGEX_NESTING = 100;

/** Largest count in a counted repetition (`{n,m}`), as Oniguruma's limit. */
const MAX_REPEAT = 100_000;

/** Most quantifiers applied to one atom (`a**`). */
const MAX_STACKED_QUANTIFIERS = 8;

/** Thread steps allowed per (text code unit × instruction) in one scan of a text; see `WorkBudget`. */
export const REGEX_WORK_FACTOR = 8;

/** Match one code point. */
interface CharInstruction {
  readonly op: 'char';
  readonly test: (codePoint: number) => boolean;
}
/** Continue at `x` (preferred) and at `y`. */
interface SplitInstruction {
  readonly op: 'split';
  x: number;
  y: number;
}
interface JumpInstruction {
  readonly op: 'jump';
  to: number;
  /** The back edge of a `*`/`+` loop (whose exit is the next instruction). */
  readonly loop?: boolean;
}
/** A zero-width assertion. */
interface AssertInstruction {
  readonly op: 'assert';
  readonly kind: AssertionKind;
}
interface MatchInstruction {
  readonly op: 'match';
}
type Instruction = CharInstruction | SplitInstruction | JumpInstruction | AssertInstruction | MatchInstruction;
type AssertionKind =
  'line-start' | 'line-end' | 'text-start' | 'text-end' | 'text-end-newline' | 'word-boundary' | 'not-word-boundary';

/** Pattern syntax tree. */
type Node =
  | { readonly kind: 'char'; readonly test: (codePoint: number) => boolean }
  | { readonly kind: 'assert'; readonly assertion: AssertionKind }
  | { readonly kind: 'concat'; readonly items: readonly Node[] }
  | { readonly kind: 'alternation'; readonly options: readonly Node[] }
  | { readonly kind: 'repeat'; readonly item: Node; readonly min: number; readonly max: number; readonly lazy: boolean }
  | { readonly kind: 'empty' };

const DIGIT = /^\p{Nd}$/u;
const WORD = /^[\p{L}\p{M}\p{N}\p{Pc}]$/u;
const SPACE = /^\p{White_Space}$/u;
const NEWLINE = 0x0a;

const isDigit = (codePoint: number): boolean =>
  (codePoint >= 0x30 && codePoint <= 0x39) || (codePoint > 0x7f && DIGIT.test(String.fromCodePoint(codePoint)));
const isWord = (codePoint: number): boolean => {
  if (codePoint < 0x80) {
    return (
      (codePoint >= 0x30 && codePoint <= 0x39) ||
      (codePoint >= 0x41 && codePoint <= 0x5a) ||
      (codePoint >= 0x61 && codePoint <= 0x7a) ||
      codePoint === 0x5f
    );
  }
  return WORD.test(String.fromCodePoint(codePoint));
};
const isSpace = (codePoint: number): boolean =>
  codePoint === 0x20 ||
  (codePoint >= 0x09 && codePoint <= 0x0d) ||
  (codePoint > 0x7f && SPACE.test(String.fromCodePoint(codePoint)));
const isHexDigit = (codePoint: number): boolean =>
  (codePoint >= 0x30 && codePoint <= 0x39) ||
  (codePoint >= 0x41 && codePoint <= 0x46) ||
  (codePoint >= 0x61 && codePoint <= 0x66);

/**
 * A regular expression run by a Pike VM (Thompson's construction simulated breadth first): its time is
 * linear in the text for a given pattern, whatever the pattern (`(a+)+$` included), because it never
 * backtracks. It accepts the subset of Oniguruma's syntax (the engine of the `tokenizers` library's `Regex`)
 * that such a machine can run exactly, with Oniguruma's meanings: literals and escapes, `.` (not `\n`),
 * classes `[...]` with ranges and negation, `\d \w \s \h` and their negations (Unicode, as Oniguruma's),
 * `\p{...}`/`\P{...}`, groups `(...)` and `(?:...)`, `|`, greedy and lazy `* + ? {n} {n,} {,m} {n,m}`, and the
 * anchors `^ $` (lines), `\A \z \Z \b \B`. Matches follow Oniguruma's leftmost-first (backtracking) priority.
 * Everything else (look-around, back-references, possessive quantifiers, inline options, POSIX brackets) is
 * refused with `TOKENIZER_UNSUPPORTED_MODEL` when the pattern is compiled, never at match time.
 */
export class LinearRegex {
  /** The pattern as written. */
  readonly source: string;
  private readonly program: readonly Instruction[];
  /** Per instruction: the generation in which it was last added to a thread list. */
  private readonly seen: Uint32Array;
  private generation = 0;

  /**
   * Compiles `source`.
   * @param source - the pattern.
   * @param where - what to name in errors (file and field).
   * @throws {@link TokenizerError} `TOKENIZER_UNSUPPORTED_MODEL` for syntax outside the subset,
   *   `TOKENIZER_MODEL_CORRUPT` for an invalid pattern, `TOKENIZER_LIMIT_EXCEEDED` for a pattern too large.
   */
  constructor(source: string, where: { file: string; field: string }) {
    this.source = source;
    const tree = new PatternParser(source, where).parse();
    this.program = compile(tree, source, where);
    this.seen = new Uint32Array(this.program.length);
    this.startTests = startCharacterTests(this.program);
  }

  /**
   * The character tests a match must begin with, when every match consumes a character first (no assertion
   * or empty match at the start): positions whose character passes none are skipped without running threads.
   */
  private readonly startTests: ReadonlyArray<(codePoint: number) => boolean> | null;

  /** The first position at or after `position` where a match can start (`length` when none). */
  private skipToCandidate(text: string, position: number): number {
    const tests = this.startTests;
    if (tests === null) return position;
    const length = text.length;
    while (position < length) {
      const codePoint = text.codePointAt(position) as number;
      for (const test of tests) if (test(codePoint)) return position;
      position += codePoint > 0xffff ? 2 : 1;
    }
    return position;
  }

  /** Number of instructions (for tests and limits). */
  get size(): number {
    return this.program.length;
  }

  /**
   * Every match of the pattern in `text` as `[start, end)` UTF-16 ranges, as the `tokenizers` library's
   * `Regex` finds them: leftmost-first, non-overlapping, an empty match allowed except right after the
   * previous match.
   */
  findAll(text: string): Array<[number, number]> {
    const matches: Array<[number, number]> = [];
    const length = text.length;
    const budget = new WorkBudget(this, length);
    let from = 0;
    let lastEnd = -1;
    while (from <= length) {
      const match = this.findAt(text, from, budget);
      if (match === null) break;
      const [start, end] = match;
      if (start === end) {
        if (start !== lastEnd) {
          matches.push(match);
          lastEnd = end;
        }
        if (start >= length) break;
        from = start + codePointLength(text, start);
      } else {
        matches.push(match);
        lastEnd = end;
        from = end;
      }
    }
    return matches;
  }

  /** The leftmost-first match starting at or after `from`, or `null`. */
  private findAt(text: string, from: number, budget: WorkBudget): [number, number] | null {
    const length = text.length;
    let current: Thread[] = [];
    let next: Thread[] = [];
    let matched: [number, number] | null = null;
    let position = from;
    let currentGeneration = ++this.generation;
    for (;;) {
      if (matched === null && current.length === 0) {
        const candidate = this.skipToCandidate(text, position);
        if (candidate >= length && this.startTests !== null) break;
        if (candidate !== position) {
          position = candidate;
          currentGeneration = ++this.generation;
        }
      }
      // `current` was built for this position in the previous step; a new start joins last (lowest priority).
      if (matched === null) this.addThread(current, 0, position, position, text, currentGeneration, budget);
      if (current.length === 0 && (matched !== null || position >= length)) break;
      const codePoint = position < length ? (text.codePointAt(position) as number) : -1;
      const nextPosition = position < length ? position + (codePoint > 0xffff ? 2 : 1) : position;
      const nextGeneration = ++this.generation;
      for (const thread of current) {
        const instruction = this.program[thread.pc] as Instruction;
        if (instruction.op === 'match') {
          matched = [thread.start, position];
          break; // Threads after this one have lower priority.
        }
        if (instruction.op === 'char' && codePoint >= 0 && instruction.test(codePoint)) {
          this.addThread(next, thread.pc + 1, thread.start, nextPosition, text, nextGeneration, budget);
        }
      }
      budget.spend(current.length);
      if (position >= length) break;
      [current, next] = [next, []];
      position = nextPosition;
      currentGeneration = nextGeneration;
    }
    return matched;
  }

  /** Adds the thread at `pc` and everything reachable from it without consuming a character, in priority order. */
  private addThread(
    list: Thread[],
    pc: number,
    start: number,
    position: number,
    text: string,
    generation: number,
    budget: WorkBudget,
  ): void {
    const stack: number[] = [pc];
    while (stack.length > 0) {
      const at = stack.pop() as number;
      budget.spend(1);
      if (this.seen[at] === generation) continue;
      this.seen[at] = generation;
      const instruction = this.program[at] as Instruction;
      switch (instruction.op) {
        case 'jump':
          // An iteration that consumed nothing comes back to its loop while the loop is still being explored at
          // this position: as Oniguruma's empty-loop check, it leaves the loop (at this path's priority).
          stack.push(instruction.loop === true && this.seen[instruction.to] === generation ? at + 1 : instruction.to);
          break;
        case 'split':
          stack.push(instruction.y, instruction.x); // x is taken first.
          break;
        case 'assert':
          if (assertionHolds(instruction.kind, text, position)) stack.push(at + 1);
          break;
        default:
          list.push({ pc: at, start });
      }
    }
  }
}

interface Thread {
  readonly pc: number;
  readonly start: number;
}

/** The `char` tests reachable from the start without consuming, or `null` when an assertion or the match is too. */
function startCharacterTests(program: readonly Instruction[]): Array<(codePoint: number) => boolean> | null {
  const tests: Array<(codePoint: number) => boolean> = [];
  const seen = new Set<number>();
  const stack = [0];
  while (stack.length > 0) {
    const at = stack.pop() as number;
    if (seen.has(at)) continue;
    seen.add(at);
    const instruction = program[at] as Instruction;
    if (instruction.op === 'jump') stack.push(instruction.to);
    else if (instruction.op === 'split') stack.push(instruction.x, instruction.y);
    else if (instruction.op === 'char') tests.push(instruction.test);
    else return null;
  }
  return tests.length > 16 ? null : tests;
}

/**
 * Work allowed to one {@link LinearRegex.findAll}: {@link REGEX_WORK_FACTOR} × (text length + 1) × program size
 * thread steps. One search is linear by construction; this bound keeps the whole scan linear too (leftmost-first
 * restarts could otherwise rescan the text after every match, e.g. `a*b|a` on `aaaa…`).
 */
class WorkBudget {
  private left: number;
  private readonly limit: number;

  constructor(
    private readonly regex: LinearRegex,
    length: number,
  ) {
    this.limit = REGEX_WORK_FACTOR * (length + 1) * (regex.size + 1);
    this.left = this.limit;
  }

  spend(amount: number): void {
    this.left -= amount;
    if (this.left < 0) {
      throw new TokenizerError(
        'TOKENIZER_LIMIT_EXCEEDED',
        `the pattern ${preview(this.regex.source)} needs more than ${this.limit} steps on a text of this length (more than linear time); ` +
          'it is refused rather than left to run',
        { value: preview(this.regex.source), limit: this.limit },
      );
    }
  }
}

function codePointLength(text: string, index: number): number {
  return (text.codePointAt(index) as number) > 0xffff ? 2 : 1;
}

function codePointBefore(text: string, index: number): number {
  if (index <= 0) return -1;
  const unit = text.charCodeAt(index - 1);
  if (unit >= 0xdc00 && unit <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(index - 2) as number;
  }
  return unit;
}

function assertionHolds(kind: AssertionKind, text: string, position: number): boolean {
  const length = text.length;
  switch (kind) {
    case 'text-start':
      return position === 0;
    case 'text-end':
      return position === length;
    case 'text-end-newline':
      return position === length || (position === length - 1 && text.charCodeAt(position) === NEWLINE);
    case 'line-start':
      // Oniguruma: not after a final newline.
      return position === 0 || (position < length && text.charCodeAt(position - 1) === NEWLINE);
    case 'line-end':
      return position === length || text.charCodeAt(position) === NEWLINE;
    case 'word-boundary':
    case 'not-word-boundary': {
      const before = position > 0 && isWord(codePointBefore(text, position));
      const after = position < length && isWord(text.codePointAt(position) as number);
      return (before !== after) === (kind === 'word-boundary');
    }
  }
}

/** Compiles a tree into instructions (Thompson's construction), refusing programs over the size limit. */
function compile(tree: Node, source: string, where: { file: string; field: string }): Instruction[] {
  const program: Instruction[] = [];
  const tooLarge = (): never => {
    throw new TokenizerError(
      'TOKENIZER_LIMIT_EXCEEDED',
      `${where.file}: ${where.field}: the pattern ${preview(source)} needs more than ${MAX_REGEX_PROGRAM_SIZE} instructions (counted repetitions are expanded)`,
      { file: where.file, field: where.field, value: preview(source), limit: MAX_REGEX_PROGRAM_SIZE },
    );
  };
  const emit = (instruction: Instruction): number => {
    if (program.length >= MAX_REGEX_PROGRAM_SIZE) tooLarge();
    program.push(instruction);
    return program.length - 1;
  };
  // Iterative over an explicit stack of work items would be longer; the tree depth is bounded by MAX_REGEX_NESTING
  // and by the parser's flat lists, so recursion here is shallow.
  const visit = (node: Node): void => {
    switch (node.kind) {
      case 'empty':
        return;
      case 'char':
        emit({ op: 'char', test: node.test });
        return;
      case 'assert':
        emit({ op: 'assert', kind: node.assertion });
        return;
      case 'concat':
        for (const item of node.items) visit(item);
        return;
      case 'alternation': {
        const jumps: JumpInstruction[] = [];
        node.options.forEach((option, index) => {
          if (index < node.options.length - 1) {
            const split: SplitInstruction = { op: 'split', x: 0, y: 0 };
            emit(split);
            split.x = program.length;
            visit(option);
            const jump: JumpInstruction = { op: 'jump', to: 0 };
            emit(jump);
            jumps.push(jump);
            split.y = program.length;
          } else {
            visit(option);
          }
        });
        for (const jump of jumps) jump.to = program.length;
        return;
      }
      case 'repeat': {
        const { item, min, max, lazy } = node;
        for (let count = 0; count < min; count++) visit(item);
        if (max === Infinity) {
          // L: split(body, out) body jump L
          const split: SplitInstruction = { op: 'split', x: 0, y: 0 };
          const loop = emit(split);
          const body = program.length;
          visit(item);
          emit({ op: 'jump', to: loop, loop: true });
          const out = program.length;
          split.x = lazy ? out : body;
          split.y = lazy ? body : out;
          return;
        }
        const splits: SplitInstruction[] = [];
        for (let count = min; count < max; count++) {
          const split: SplitInstruction = { op: 'split', x: 0, y: 0 };
          emit(split);
          const body = program.length;
          visit(item);
          split.x = body; // patched below when lazy
          splits.push(split);
        }
        const out = program.length;
        for (const split of splits) {
          const body = split.x;
          split.x = lazy ? out : body;
          split.y = lazy ? body : out;
        }
        return;
      }
    }
  };
  visit(tree);
  emit({ op: 'match' });
  return program;
}

function preview(source: string): string {
  return JSON.stringify(source.length > 60 ? `${source.slice(0, 60)}…` : source);
}

/** Recursive-descent parser of the supported subset (nesting bounded by {@link MAX_REGEX_NESTING}). */
class PatternParser {
  private position = 0;
  private depth = 0;
  private readonly codePoints: number[];

  constructor(
    private readonly source: string,
    private readonly where: { file: string; field: string },
  ) {
    this.codePoints = Array.from(source, (character) => character.codePointAt(0) as number);
  }

  parse(): Node {
    const node = this.alternation();
    if (this.position < this.codePoints.length) this.corrupt(`unbalanced ')' at character ${this.position}`);
    return node;
  }

  private unsupported(what: string): never {
    throw new TokenizerError(
      'TOKENIZER_UNSUPPORTED_MODEL',
      `${this.where.file}: ${this.where.field}: the pattern ${preview(this.source)} uses ${what} at character ${this.position}, which ` +
        'the linear-time matcher cannot run (supported: literals, classes, groups, alternation, greedy and lazy quantifiers, anchors)',
      { file: this.where.file, field: this.where.field, value: preview(this.source) },
    );
  }

  private corrupt(problem: string): never {
    throw new TokenizerError(
      'TOKENIZER_MODEL_CORRUPT',
      `${this.where.file}: ${this.where.field}: invalid regular expression ${preview(this.source)}: ${problem}`,
      {
        file: this.where.file,
        field: this.where.field,
        value: preview(this.source),
      },
    );
  }

  private peek(offset = 0): number | undefined {
    return this.codePoints[this.position + offset];
  }

  private alternation(): Node {
    const options: Node[] = [this.concatenation()];
    while (this.peek() === 0x7c /* | */) {
      this.position++;
      options.push(this.concatenation());
    }
    return options.length === 1 ? (options[0] as Node) : { kind: 'alternation', options };
  }

  private concatenation(): Node {
    const items: Node[] = [];
    for (;;) {
      const next = this.peek();
      if (next === undefined || next === 0x7c || next === 0x29 /* ) */) break;
      items.push(this.repetition());
    }
    if (items.length === 0) return { kind: 'empty' };
    return items.length === 1 ? (items[0] as Node) : { kind: 'concat', items };
  }

  private repetition(): Node {
    let node = this.atom();
    let stacked = 0;
    for (;;) {
      const next = this.peek();
      let min: number;
      let max: number;
      if (next === 0x2a /* * */) [min, max] = [0, Infinity];
      else if (next === 0x2b /* + */) [min, max] = [1, Infinity];
      else if (next === 0x3f /* ? */) [min, max] = [0, 1];
      else if (next === 0x7b /* { */) {
        const interval = this.interval();
        if (interval === null) return node; // A literal '{', read by the next atom.
        [min, max] = interval; // The cursor is on '}'; the common step below moves past it.
      } else return node;
      if (++stacked > MAX_STACKED_QUANTIFIERS)
        this.unsupported(`more than ${MAX_STACKED_QUANTIFIERS} quantifiers on one item`);
      this.position++;
      let lazy = false;
      if (this.peek() === 0x3f) {
        lazy = true;
        this.position++;
      } else if (this.peek() === 0x2b) {
        this.unsupported('a possessive quantifier');
      }
      node = { kind: 'repeat', item: node, min, max, lazy };
    }
  }

  /** `{n}`, `{n,}`, `{,m}`, `{n,m}` at the cursor, leaving it on the closing `}`; `null` (cursor unmoved) when not an interval. */
  private interval(): [number, number] | null {
    const rest = String.fromCodePoint(...this.codePoints.slice(this.position, this.position + 24));
    const match = /^\{(\d*)(,?)(\d*)\}/.exec(rest);
    if (match === null || (match[1] === '' && match[3] === '')) return null;
    const min = match[1] === '' ? 0 : Number(match[1]);
    const max = match[2] === '' ? min : match[3] === '' ? Infinity : Number(match[3]);
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT))
      this.corrupt(`a repetition count over ${MAX_REPEAT}`);
    if (max < min) this.unsupported(`the interval {${min},${max}} (upper bound below the lower one)`);
    this.position += match[0].length - 1;
    return [min, max];
  }

  private atom(): Node {
    const character = this.peek() as number;
    this.position++;
    switch (character) {
      case 0x28 /* ( */:
        return this.group();
      case 0x5b /* [ */:
        return this.characterClass();
      case 0x2e /* . */:
        return { kind: 'char', test: (codePoint) => codePoint !== NEWLINE };
      case 0x5e /* ^ */:
        return { kind: 'assert', assertion: 'line-start' };
      case 0x24 /* $ */:
        return { kind: 'assert', assertion: 'line-end' };
      case 0x5c /* \ */:
        return this.escape();
      case 0x2a:
      case 0x2b:
      case 0x3f:
        return this.corrupt(`a quantifier with nothing to repeat at character ${this.position - 1}`);
      default:
        return literal(character);
    }
  }

  private group(): Node {
    if (this.peek() === 0x3f /* ? */) {
      if (this.peek(1) !== 0x3a /* : */)
        this.unsupported('a group construct "(?" (look-around, named group or inline option)');
      this.position += 2;
    }
    this.depth++;
    if (this.depth > MAX_REGEX_NESTING) {
      throw new TokenizerError(
        'TOKENIZER_LIMIT_EXCEEDED',
        `${this.where.file}: ${this.where.field}: the pattern ${preview(this.source)} nests groups deeper than ${MAX_REGEX_NESTING}`,
        { file: this.where.file, field: this.where.field, limit: MAX_REGEX_NESTING },
      );
    }
    const node = this.alternation();
    if (this.peek() !== 0x29) this.corrupt('a group is not closed');
    this.position++;
    this.depth--;
    return node;
  }

  /** After a backslash outside a class. */
  private escape(): Node {
    const character = this.peek();
    if (character === undefined) return this.corrupt('a trailing backslash');
    switch (String.fromCodePoint(character)) {
      case 'A':
        this.position++;
        return { kind: 'assert', assertion: 'text-start' };
      case 'z':
        this.position++;
        return { kind: 'assert', assertion: 'text-end' };
      case 'Z':
        this.position++;
        return { kind: 'assert', assertion: 'text-end-newline' };
      case 'b':
        this.position++;
        return { kind: 'assert', assertion: 'word-boundary' };
      case 'B':
        this.position++;
        return { kind: 'assert', assertion: 'not-word-boundary' };
      default:
        return { kind: 'char', test: this.classEscape() };
    }
  }

  /** An escape that stands for a set of characters (after the backslash): `\d`, `\p{L}`, `\t`, `\.`, `\x41` ... */
  private classEscape(): (codePoint: number) => boolean {
    const character = this.peek() as number;
    this.position++;
    const letter = String.fromCodePoint(character);
    switch (letter) {
      case 'd':
        return isDigit;
      case 'D':
        return (codePoint) => !isDigit(codePoint);
      case 'w':
        return isWord;
      case 'W':
        return (codePoint) => !isWord(codePoint);
      case 's':
        return isSpace;
      case 'S':
        return (codePoint) => !isSpace(codePoint);
      case 'h':
        return isHexDigit;
      case 'H':
        return (codePoint) => !isHexDigit(codePoint);
      case 'p':
      case 'P':
        return this.property(letter === 'P');
      case 't':
        return equals(0x09);
      case 'n':
        return equals(0x0a);
      case 'r':
        return equals(0x0d);
      case 'f':
        return equals(0x0c);
      case 'v':
        return equals(0x0b);
      case 'a':
        return equals(0x07);
      case 'e':
        return equals(0x1b);
      case 'x':
        return equals(this.hexCode());
      case 'u':
        return equals(this.fixedHex(4));
      default:
        if (/^[\p{L}\p{N}]$/u.test(letter)) this.unsupported(`the escape \\${letter}`);
        return equals(character);
    }
  }

  private property(negated: boolean): (codePoint: number) => boolean {
    if (this.peek() !== 0x7b) this.unsupported('\\p without braces');
    const end = this.codePoints.indexOf(0x7d, this.position);
    if (end < 0) this.corrupt('an unclosed \\p{');
    let name = String.fromCodePoint(...this.codePoints.slice(this.position + 1, end));
    this.position = end + 1;
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    if (!/^[A-Za-z_ =]{1,40}$/.test(name)) this.unsupported(`the property \\p{${name.slice(0, 40)}}`);
    let regex: RegExp;
    try {
      regex = new RegExp(`^\\p{${name}}$`, 'u');
    } catch {
      try {
        regex = new RegExp(`^\\p{Script=${name}}$`, 'u');
      } catch {
        return this.unsupported(`the property \\p{${name}}`);
      }
    }
    return (codePoint) => regex.test(String.fromCodePoint(codePoint)) !== negated;
  }

  private hexCode(): number {
    if (this.peek() === 0x7b) {
      const end = this.codePoints.indexOf(0x7d, this.position);
      const digits = end < 0 ? '' : String.fromCodePoint(...this.codePoints.slice(this.position + 1, end));
      if (!/^[0-9a-fA-F]{1,6}$/.test(digits) || Number.parseInt(digits, 16) > 0x10ffff)
        this.corrupt('an invalid \\x{...} escape');
      this.position = end + 1;
      return Number.parseInt(digits, 16);
    }
    let digits = '';
    while (digits.length < 2 && /^[0-9a-fA-F]$/.test(String.fromCodePoint(this.peek() ?? 0x20))) {
      digits += String.fromCodePoint(this.peek() as number);
      this.position++;
    }
    if (digits === '') this.corrupt('an invalid \\x escape');
    return Number.parseInt(digits, 16);
  }

  private fixedHex(count: number): number {
    const digits = String.fromCodePoint(...this.codePoints.slice(this.position, this.position + count));
    if (!new RegExp(`^[0-9a-fA-F]{${count}}$`).test(digits)) this.corrupt('an invalid \\u escape');
    this.position += count;
    return Number.parseInt(digits, 16);
  }

  /** After `[`: a set of characters, ranges and escapes, possibly negated. */
  private characterClass(): Node {
    let negated = false;
    if (this.peek() === 0x5e) {
      negated = true;
      this.position++;
    }
    const tests: Array<(codePoint: number) => boolean> = [];
    const ranges: Array<[number, number]> = [];
    let first = true;
    for (;;) {
      const character = this.peek();
      if (character === undefined) this.corrupt('a character class is not closed');
      if (character === 0x5d /* ] */ && !first) {
        this.position++;
        break;
      }
      first = false;
      if (character === 0x5b /* [ */) this.unsupported('a nested class or POSIX bracket');
      if (character === 0x26 && this.peek(1) === 0x26) this.unsupported('a class intersection (&&)');
      let low: number | null;
      this.position++;
      if (character === 0x5c) {
        const escaped = this.peek();
        if (escaped === undefined) this.corrupt('a trailing backslash');
        const letter = String.fromCodePoint(escaped);
        if ('dDwWsShHpP'.includes(letter)) {
          tests.push(this.classEscape());
          continue;
        }
        if (letter === 'b') {
          this.position++;
          low = 0x08;
        } else {
          const test = this.classEscape();
          low = singleCodePoint(test);
        }
      } else {
        low = character;
      }
      if (low === null) this.corrupt('an invalid escape in a class');
      if (this.peek() === 0x2d /* - */ && this.peek(1) !== undefined && this.peek(1) !== 0x5d) {
        this.position++;
        let high = this.peek() as number;
        this.position++;
        if (high === 0x5c) {
          const escaped = this.peek();
          if (escaped !== undefined && 'dDwWsShHpP'.includes(String.fromCodePoint(escaped)))
            this.unsupported('a range ending in a class escape');
          const single = singleCodePoint(this.classEscape());
          if (single === null) this.corrupt('an invalid range end');
          high = single;
        } else if (high === 0x5b) {
          this.unsupported('a nested class or POSIX bracket');
        }
        if (high < low) this.corrupt(`an empty range ${String.fromCodePoint(low)}-${String.fromCodePoint(high)}`);
        ranges.push([low, high]);
      } else {
        ranges.push([low, low]);
      }
    }
    const test = (codePoint: number): boolean => {
      for (const [low, high] of ranges) if (codePoint >= low && codePoint <= high) return !negated;
      for (const member of tests) if (member(codePoint)) return !negated;
      return negated;
    };
    return { kind: 'char', test };
  }
}

const SINGLE = Symbol('single');

function equals(target: number): (codePoint: number) => boolean {
  const test = (codePoint: number): boolean => codePoint === target;
  (test as unknown as Record<symbol, number>)[SINGLE] = target;
  return test;
}

function singleCodePoint(test: (codePoint: number) => boolean): number | null {
  const value = (test as unknown as Record<symbol, number | undefined>)[SINGLE];
  return value === undefined ? null : value;
}

function literal(codePoint: number): Node {
  return { kind: 'char', test: equals(codePoint) };
}
