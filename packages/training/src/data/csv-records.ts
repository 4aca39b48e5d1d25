import { TrainingError } from '../training-error.js';
import { decodeDataChunks, DEFAULT_MAX_LINE_LENGTH, type DataChunks } from './data-chunks.js';
import { emptyFileError, lineTooLongError } from './text-lines.js';

/** One record of a CSV file, by header name. */
export interface CsvRecord {
  /** The fields by column name (from the header row). */
  readonly fields: Readonly<Record<string, string>>;
  /** 1-based line number where the record starts. */
  readonly line: number;
}

/** Options of {@link csvRecords}. */
export interface CsvRecordsOptions {
  /** The file's name, for errors. */
  readonly file: string;
  /** The longest record accepted, in characters (default {@link DEFAULT_MAX_LINE_LENGTH}). */
  readonly maxRecordLength?: number;
  /** Field separator (default `,`). */
  readonly delimiter?: string;
}

/**
 * The records of a CSV file with a header row (RFC 4180): fields separated by `,`, quoted with `"` when
 * they hold a separator, a quote (doubled: `""`) or a line break; `\n` or `\r\n` between records; blank
 * lines skipped. Streamed: only the current record is held, and it is bounded.
 *
 * @example
 * ```ts
 * for await (const { fields, line } of csvRecords(createReadStream('train.csv'), { file: 'train.csv' }))
 *   console.log(line, fields['text'], fields['label']);
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` naming the file and line: a quote inside an unquoted
 *   field, text after a closing quote, an unterminated quote, a record with more or fewer fields than the
 *   header, a duplicate or empty header name, a record that is too long, an empty file.
 */
export async function* csvRecords(chunks: DataChunks, options: CsvRecordsOptions): AsyncGenerator<CsvRecord> {
  const { file } = options;
  const maxLength = options.maxRecordLength ?? DEFAULT_MAX_LINE_LENGTH;
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
    throw new TrainingError(
      'TRAINING_BAD_OPTIONS',
      `csvRecords: the delimiter must be one character other than a quote or line break`,
      {
        field: 'delimiter',
        value: delimiter,
      },
    );
  let header: string[] | undefined;
  let fields: string[] = [];
  let field = '';
  let length = 0;
  // 'start': at the start of a field; 'plain': in an unquoted field; 'quoted': in quotes; 'closed': after a closing quote
  let state: 'start' | 'plain' | 'quoted' | 'quote-in-quoted' = 'start';
  let line = 1;
  let recordLine = 1;
  let fieldTouched = false;
  const bad = (message: string): TrainingError =>
    new TrainingError('TRAINING_BAD_DATA', `${file} line ${line}: ${message}`, { file, line });
  const endRecord = function* (): Generator<CsvRecord> {
    fields.push(field);
    const blank = fields.length === 1 && field === '' && !fieldTouched;
    const values = fields;
    fields = [];
    field = '';
    length = 0;
    fieldTouched = false;
    state = 'start';
    if (blank) return;
    if (header === undefined) {
      const names = values.map((name) => name.trim());
      names.forEach((name, index) => {
        if (name === '')
          throw new TrainingError(
            'TRAINING_BAD_DATA',
            `${file} line ${recordLine}: header column ${index + 1} has no name`,
            {
              file,
              line: recordLine,
            },
          );
        if (names.indexOf(name) !== index)
          throw new TrainingError(
            'TRAINING_BAD_DATA',
            `${file} line ${recordLine}: header column "${name}" appears twice`,
            {
              file,
              line: recordLine,
            },
          );
      });
      header = names;
      return;
    }
    if (values.length !== header.length)
      throw new TrainingError(
        'TRAINING_BAD_DATA',
        `${file} line ${recordLine}: ${values.length} fields, the header has ${header.length} (${header.join(', ')}); quote fields that hold a "${delimiter}"`,
        { file, line: recordLine },
      );
    const record: Record<string, string> = {};
    header.forEach((name, index) => (record[name] = values[index] as string));
    yield { fields: record, line: recordLine };
  };
  for await (const text of decodeDataChunks(chunks, file)) {
    for (let index = 0; index < text.length; index += 1) {
      const char = text[index] as string;
      if (state === 'start' && fields.length === 0 && field === '' && !fieldTouched) recordLine = line;
      length += 1;
      if (length > maxLength) throw lineTooLongError(file, recordLine, maxLength);
      switch (state) {
        case 'quoted':
          if (char === '"') state = 'quote-in-quoted';
          else {
            if (char === '\n') line += 1;
            field += char;
          }
          break;
        case 'quote-in-quoted':
          if (char === '"') {
            field += '"';
            state = 'quoted';
          } else if (char === delimiter) {
            fields.push(field);
            field = '';
            state = 'start';
          } else if (char === '\n') {
            yield* endRecord();
            line += 1;
          } else if (char !== '\r')
            throw bad(`text after a closing quote (a quote inside a quoted field is written "")`);
          break;
        case 'start':
        case 'plain':
          if (char === '"') {
            if (state === 'plain' || field !== '')
              throw bad(`a quote inside an unquoted field (quote the whole field and double the quote: "a ""b"" c")`);
            state = 'quoted';
            fieldTouched = true;
          } else if (char === delimiter) {
            fields.push(field);
            field = '';
            fieldTouched = true;
            state = 'start';
          } else if (char === '\n') {
            if (field.endsWith('\r')) field = field.slice(0, -1);
            yield* endRecord();
            line += 1;
          } else {
            field += char;
            state = 'plain';
          }
          break;
      }
    }
  }
  if (state === 'quoted')
    throw new TrainingError(
      'TRAINING_BAD_DATA',
      `${file} line ${recordLine}: a quoted field is not closed (the record starts on line ${recordLine} and runs to the end of the file)`,
      { file, line: recordLine },
    );
  if (field.endsWith('\r')) field = field.slice(0, -1);
  yield* endRecord();
  if (header === undefined) throw emptyFileError(file, 'header row');
}

/**
 * The value of `column` in `record`.
 *
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` naming the file, line and column when the header has no such column.
 */
export function csvField(record: CsvRecord, column: string, file: string): string {
  const value = record.fields[column];
  if (value === undefined)
    throw new TrainingError(
      'TRAINING_BAD_DATA',
      `${file} line ${record.line}: no column "${column}" (the header has ${Object.keys(record.fields).join(', ')})`,
      { file, line: record.line, field: column },
    );
  return value;
}
