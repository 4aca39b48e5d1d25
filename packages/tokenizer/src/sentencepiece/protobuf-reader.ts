import { TokenizerError } from '../tokenizer-error.js';

/** Protobuf wire types. */
export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;

/**
 * A minimal protobuf wire-format reader over a byte range: varints, length-delimited fields and
 * fixed32/fixed64 values. Every read is bounds-checked; a truncated or malformed message throws a
 * {@link TokenizerError} (`TOKENIZER_MODEL_CORRUPT`) naming the file, the message and the byte offset.
 */
export class ProtobufReader {
  private position: number;
  private readonly view: DataView;

  /**
   * @param bytes - the whole buffer.
   * @param start - first byte of the message.
   * @param end - one past the last byte of the message.
   * @param file - file name for error messages.
   * @param messageName - protobuf message name for error messages.
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly start: number,
    readonly end: number,
    readonly file: string,
    readonly messageName: string,
  ) {
    this.position = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** True when every byte of the message has been read. */
  get done(): boolean {
    return this.position >= this.end;
  }

  /** Current byte offset in the buffer. */
  get offset(): number {
    return this.position;
  }

  /** Throws a corrupt-file error naming the file, the message and the offset. */
  fail(problem: string): never {
    throw new TokenizerError(
      'TOKENIZER_MODEL_CORRUPT',
      `${this.file}: corrupt SentencePiece model: ${problem} (in ${this.messageName} at byte ${this.position})`,
      { file: this.file, message: this.messageName, offset: this.position, problem },
    );
  }

  /** Reads a varint as an unsigned number (bits above 2^53 are dropped). Returns [low32, high32]. */
  private readVarintParts(): [number, number] {
    let low = 0;
    let high = 0;
    let shift = 0;
    for (let index = 0; index < 10; index += 1) {
      if (this.position >= this.end) this.fail('truncated varint');
      const byte = this.bytes[this.position++]!;
      const payload = byte & 0x7f;
      if (shift < 28) {
        low |= payload << shift;
      } else if (shift === 28) {
        low |= (payload & 0x0f) << 28;
        high |= payload >>> 4;
      } else {
        high |= payload << (shift - 32);
      }
      shift += 7;
      if ((byte & 0x80) === 0) return [low >>> 0, high >>> 0];
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** Reads a varint as a non-negative integer (fails above 2^53). */
  readUnsigned(): number {
    const [low, high] = this.readVarintParts();
    if (high > 0x1fffff) this.fail('varint too large');
    return high * 0x100000000 + low;
  }

  /** Reads an `int32` field value (negative values are encoded sign-extended to 64 bits). */
  readInt32(): number {
    const [low] = this.readVarintParts();
    return low | 0;
  }

  /** Reads a `bool` field value. */
  readBool(): boolean {
    const [low, high] = this.readVarintParts();
    return low !== 0 || high !== 0;
  }

  /** Reads a field tag; returns `[fieldNumber, wireType]`. */
  readTag(): [number, number] {
    const tag = this.readUnsigned();
    const fieldNumber = Math.floor(tag / 8);
    if (fieldNumber === 0) this.fail('field number 0');
    return [fieldNumber, tag & 7];
  }

  /** Reads a `float` (fixed32, little endian). */
  readFloat(): number {
    if (this.position + 4 > this.end) this.fail('truncated fixed32');
    const value = this.view.getFloat32(this.position, true);
    this.position += 4;
    return value;
  }

  /** Reads the length prefix of a length-delimited field; returns `[start, end)` of its payload. */
  readLengthDelimited(): [number, number] {
    const length = this.readUnsigned();
    const start = this.position;
    if (length > this.end - start) this.fail(`length-delimited field of ${length} bytes runs past the end`);
    this.position = start + length;
    return [start, start + length];
  }

  /** Reads a length-delimited field as UTF-8 text (malformed UTF-8 is an error). */
  readString(): string {
    const [start, end] = this.readLengthDelimited();
    try {
      return utf8Decoder.decode(this.bytes.subarray(start, end));
    } catch {
      return this.fail('string field is not valid UTF-8');
    }
  }

  /** Reads a length-delimited field as bytes (a view, not a copy). */
  readBytes(): Uint8Array {
    const [start, end] = this.readLengthDelimited();
    return this.bytes.subarray(start, end);
  }

  /** Reads a length-delimited field as a nested message reader. */
  readMessage(messageName: string): ProtobufReader {
    const [start, end] = this.readLengthDelimited();
    return new ProtobufReader(this.bytes, start, end, this.file, messageName);
  }

  /** Skips a field of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.varint:
        this.readVarintParts();
        return;
      case WireType.fixed64:
        if (this.position + 8 > this.end) this.fail('truncated fixed64');
        this.position += 8;
        return;
      case WireType.lengthDelimited:
        this.readLengthDelimited();
        return;
      case WireType.fixed32:
        if (this.position + 4 > this.end) this.fail('truncated fixed32');
        this.position += 4;
        return;
      default:
        this.fail(`unsupported wire type ${wireType}`);
    }
  }

  /** Checks the wire type of a known field. */
  expect(fieldName: string, wireType: number, expected: number): void {
    if (wireType !== expected) this.fail(`field ${fieldName} has wire type ${wireType}, expected ${expected}`);
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
