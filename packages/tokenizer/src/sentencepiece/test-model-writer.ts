/**
 * Test helper: writes small SentencePiece `ModelProto` messages (protobuf wire format) so tests can
 * build models with chosen pieces, types and flags. Not exported from the package.
 */
const encoder = new TextEncoder();

function varint(value: number): number[] {
  const bytes: number[] = [];
  let remaining = value < 0 ? BigInt.asUintN(64, BigInt(value)) : BigInt(value);
  do {
    let byte = Number(remaining & 0x7fn);
    remaining >>= 7n;
    if (remaining > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (remaining > 0n);
  return bytes;
}

function tag(field: number, wire: number): number[] {
  return varint(field * 8 + wire);
}

function lengthDelimited(field: number, payload: Uint8Array | number[]): number[] {
  return [...tag(field, 2), ...varint(payload.length), ...payload];
}

function float32(field: number, value: number): number[] {
  const buffer = new DataView(new ArrayBuffer(4));
  buffer.setFloat32(0, value, true);
  return [...tag(field, 5), ...new Uint8Array(buffer.buffer)];
}

/** Piece type codes. */
export const TestPieceType = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

/** Description of a test model. */
export interface TestModel {
  pieces: Array<{ piece: string; score?: number; type?: number }>;
  modelType?: number;
  byteFallback?: boolean;
  addDummyPrefix?: boolean;
  removeExtraWhitespaces?: boolean;
  escapeWhitespaces?: boolean;
  treatWhitespaceAsSuffix?: boolean;
  precompiledCharsmap?: Uint8Array;
  unkId?: number;
}

/** Serializes a test model. */
export function writeTestModel(model: TestModel): Uint8Array {
  const bytes: number[] = [];
  for (const entry of model.pieces) {
    const piece = [
      ...lengthDelimited(1, encoder.encode(entry.piece)),
      ...float32(2, entry.score ?? 0),
      ...tag(3, 0),
      ...varint(entry.type ?? 1),
    ];
    bytes.push(...lengthDelimited(1, piece));
  }
  const trainer: number[] = [...tag(3, 0), ...varint(model.modelType ?? 1)];
  if (model.byteFallback !== undefined) trainer.push(...tag(35, 0), ...varint(model.byteFallback ? 1 : 0));
  if (model.treatWhitespaceAsSuffix !== undefined)
    trainer.push(...tag(24, 0), ...varint(model.treatWhitespaceAsSuffix ? 1 : 0));
  if (model.unkId !== undefined) trainer.push(...tag(40, 0), ...varint(model.unkId));
  trainer.push(...tag(43, 0), ...varint(-1));
  bytes.push(...lengthDelimited(2, trainer));
  const normalizer: number[] = [...lengthDelimited(1, encoder.encode('test'))];
  if (model.precompiledCharsmap !== undefined) normalizer.push(...lengthDelimited(2, model.precompiledCharsmap));
  if (model.addDummyPrefix !== undefined) normalizer.push(...tag(3, 0), ...varint(model.addDummyPrefix ? 1 : 0));
  if (model.removeExtraWhitespaces !== undefined)
    normalizer.push(...tag(4, 0), ...varint(model.removeExtraWhitespaces ? 1 : 0));
  if (model.escapeWhitespaces !== undefined) normalizer.push(...tag(5, 0), ...varint(model.escapeWhitespaces ? 1 : 0));
  bytes.push(...lengthDelimited(3, normalizer));
  return Uint8Array.from(bytes);
}
