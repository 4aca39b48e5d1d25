import { CheckpointError } from '../checkpoint-error.js';

/** One entry of a {@link ZipArchive}. */
export interface ZipEntry {
  /** Path inside the archive. */
  readonly name: string;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  /** Bytes of the (possibly compressed) data. */
  readonly compressedSize: number;
  /** Bytes once inflated. */
  readonly uncompressedSize: number;
  /** Absolute offset of the entry's data in the archive. */
  readonly dataOffset: number;
}

/** A minimal read-only ZIP archive over bytes already in memory (stored and deflate entries, ZIP64). */
export interface ZipArchive {
  /** Entries by name, in central-directory order. */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /**
   * The bytes of an entry. Stored entries are zero-copy views of the archive; deflate entries are
   * inflated with `DecompressionStream('deflate-raw')` where the runtime has it.
   */
  read(name: string): Promise<Uint8Array>;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
/** Compressed bytes handed to the inflater at a time (at most ~16 MiB of output each). */
const INFLATE_CHUNK_BYTES = 16 * 1024;

/** Whether the bytes start like a ZIP archive (`PK\x03\x04`, or an empty archive's `PK\x05\x06`). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))
  );
}

async function inflateRaw(data: Uint8Array, expectedSize: number, file: string, name: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new CheckpointError(
      'CHECKPOINT_UNSUPPORTED_COMPRESSION',
      `${file}: entry ${name} is deflate-compressed and this runtime has no DecompressionStream to inflate it`,
      { file, key: name },
    );
  }
  let stream: DecompressionStream;
  try {
    stream = new DecompressionStream('deflate-raw' as CompressionFormat);
  } catch (error) {
    throw new CheckpointError(
      'CHECKPOINT_UNSUPPORTED_COMPRESSION',
      `${file}: entry ${name} is deflate-compressed and this runtime cannot inflate deflate-raw`,
      {
        file,
        key: name,
      },
      { cause: error },
    );
  }
  const output = new Uint8Array(expectedSize);
  let length = 0;
  try {
    const writer = stream.writable.getWriter();
    // Fed in small chunks (each awaited) so that a lying entry cannot inflate far past its declared
    // size before the reader below sees the excess and stops.
    let cancelled = false;
    const writing = (async () => {
      for (let start = 0; start < data.length && !cancelled; start += INFLATE_CHUNK_BYTES) {
        await writer.write(data.subarray(start, start + INFLATE_CHUNK_BYTES) as Uint8Array<ArrayBuffer>);
      }
      if (!cancelled) await writer.close();
    })();
    writing.catch(() => undefined);
    const reader = stream.readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (length + value.length > expectedSize) {
        cancelled = true;
        await reader.cancel();
        throw new Error(`inflates to more than the declared ${expectedSize} bytes`);
      }
      output.set(value, length);
      length += value.length;
    }
    await writing;
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(
      'CHECKPOINT_INVALID_ZIP',
      `${file}: entry ${name} does not inflate: ${error instanceof Error ? error.message : String(error)}`,
      {
        file,
        key: name,
      },
      { cause: error },
    );
  }
  if (length !== expectedSize) {
    throw new CheckpointError(
      'CHECKPOINT_INVALID_ZIP',
      `${file}: entry ${name} inflates to ${length} bytes, not the declared ${expectedSize}`,
      {
        file,
        key: name,
        expected: expectedSize,
        actual: length,
      },
    );
  }
  return output;
}

/**
 * Opens a ZIP archive held in memory: reads the (ZIP64) end-of-central-directory record and the
 * central directory, and checks every entry's local header and data range against the file size.
 *
 * @param bytes - the whole archive.
 * @param file - the archive's name, for errors.
 * @throws {@link CheckpointError} `CHECKPOINT_INVALID_ZIP`.
 */
export function openZipArchive(bytes: Uint8Array, file: string): ZipArchive {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const invalid = (message: string, key?: string): never => {
    throw new CheckpointError(
      'CHECKPOINT_INVALID_ZIP',
      `${file}: not a valid zip archive: ${message}`,
      key === undefined ? { file } : { file, key },
    );
  };
  const u16 = (offset: number): number => view.getUint16(offset, true);
  const u32 = (offset: number): number => view.getUint32(offset, true);
  const u64 = (offset: number): number => {
    const value = view.getBigUint64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) invalid(`64-bit field ${value} is too large`);
    return Number(value);
  };

  // The end-of-central-directory record is in the last 22 + 65535 bytes (it may carry a comment).
  let end = -1;
  for (let offset = bytes.length - 22; offset >= Math.max(0, bytes.length - 22 - 0xffff); offset -= 1) {
    if (u32(offset) === END_OF_CENTRAL_DIRECTORY && offset + 22 + u16(offset + 20) === bytes.length) {
      end = offset;
      break;
    }
  }
  if (end < 0) invalid('no end-of-central-directory record (the file may be truncated)');
  let entryCount = u16(end + 10);
  let directorySize = u32(end + 12);
  let directoryOffset = u32(end + 16);
  if (
    (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) &&
    end >= 20 &&
    u32(end - 20) === ZIP64_LOCATOR
  ) {
    const zip64End = u64(end - 20 + 8);
    if (zip64End + 56 > end - 20 || u32(zip64End) !== ZIP64_END_OF_CENTRAL_DIRECTORY)
      invalid('bad ZIP64 end-of-central-directory record');
    entryCount = u64(zip64End + 32);
    directorySize = u64(zip64End + 40);
    directoryOffset = u64(zip64End + 48);
  }
  if (directoryOffset + directorySize > bytes.length)
    invalid('central directory lies outside the file (the file may be truncated)');

  const entries = new Map<string, ZipEntry>();
  const names = new TextDecoder('utf-8');
  let offset = directoryOffset;
  for (let index = 0; index < entryCount; index += 1) {
    if (offset + 46 > directoryOffset + directorySize || u32(offset) !== CENTRAL_DIRECTORY_HEADER)
      invalid(`bad central directory entry ${index}`);
    const flags = u16(offset + 8);
    const method = u16(offset + 10);
    let compressedSize = u32(offset + 20);
    let uncompressedSize = u32(offset + 24);
    const nameLength = u16(offset + 28);
    const extraLength = u16(offset + 30);
    const commentLength = u16(offset + 32);
    let localOffset = u32(offset + 42);
    if (offset + 46 + nameLength + extraLength + commentLength > bytes.length)
      invalid(`central directory entry ${index} is cut off`);
    const name = names.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    // ZIP64 extended information: the 64-bit values of the fields that hold 0xffffffff, in order.
    let extra = offset + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = u16(extra);
      const size = u16(extra + 2);
      if (extra + 4 + size > extraEnd)
        invalid(`central directory entry ${index} has an extra field that runs past its end`);
      if (id === 0x0001) {
        let field = extra + 4;
        const fieldEnd = field + size;
        const next = (): number => {
          if (field + 8 > fieldEnd)
            invalid(`central directory entry ${index} has a ZIP64 extra field too short for its 64-bit values`);
          const value = u64(field);
          field += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      extra += 4 + size;
    }
    if (flags & 1) invalid(`entry ${name} is encrypted`, name);
    if (localOffset + 30 > bytes.length || u32(localOffset) !== LOCAL_FILE_HEADER)
      invalid(`entry ${name} has no local header`, name);
    const dataOffset = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (dataOffset + compressedSize > bytes.length)
      invalid(`the data of entry ${name} lies past the end of the file (the file may be truncated)`, name);
    // Deflate cannot expand data by more than ~1032:1; a larger declared size is a lie (and must not
    // make us allocate it).
    if (method === 8 && uncompressedSize > compressedSize * 1032 + 1024)
      invalid(`entry ${name} declares an impossible inflated size ${uncompressedSize}`, name);
    if (method === 0 && compressedSize !== uncompressedSize)
      invalid(`stored entry ${name} has different compressed and uncompressed sizes`, name);
    if (entries.has(name)) invalid(`entry ${name} appears twice`, name);
    entries.set(name, { name, method, compressedSize, uncompressedSize, dataOffset });
    offset += 46 + nameLength + extraLength + commentLength;
  }

  return {
    entries,
    async read(name) {
      const entry = entries.get(name);
      if (entry === undefined) return invalid(`no entry ${name}`, name);
      const data = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
      if (entry.method === 0) return data;
      if (entry.method === 8) return inflateRaw(data, entry.uncompressedSize, file, name);
      throw new CheckpointError(
        'CHECKPOINT_UNSUPPORTED_COMPRESSION',
        `${file}: entry ${name} uses zip compression method ${entry.method}; albert-ts reads stored (0) and deflate (8) entries`,
        {
          file,
          key: name,
          actual: entry.method,
          expected: [0, 8],
        },
      );
    },
  };
}
