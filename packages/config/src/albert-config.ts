import { ALBERT_CONFIG_DEFAULTS } from './albert-config-defaults.js';
import { ALBERT_CONFIG_FIELD_NAMES, fromHfFieldName } from './albert-config-field-names.js';
import type { AlbertConfigFieldName, AlbertConfigInit } from './albert-config-init.js';
import { ALBERT_PRESET_NAMES, ALBERT_PRESETS, isAlbertPresetName, type AlbertPresetName } from './albert-presets.js';
import {
  checkArchitectures,
  checkBoolean,
  checkHiddenAct,
  checkInteger,
  checkModelType,
  checkNonNegativeNumber,
  checkNullableString,
  checkPositionEmbeddingType,
  checkPositiveInteger,
  checkPositiveNumber,
  checkNullableProbability,
  checkProbability,
  checkProblemType,
  checkTokenId,
  fail,
  formatValue,
  isPlainObject,
  type CheckContext,
} from './config-field-checks.js';
import type { HiddenAct } from './hidden-activation.js';
import type { PositionEmbeddingType } from './position-embedding-type.js';
import type { ProblemType } from './problem-type.js';
import { isDefaultLabels, resolveLabels } from './resolve-labels.js';
import { cloneFrozenJson, cloneJsonValue } from './clone-frozen-json.js';
import { resolveConfigLimits, type AlbertConfigLimits } from './albert-config-limits.js';

/** Options of {@link AlbertConfig.fromJSON} and {@link AlbertConfig.parse}. */
export interface AlbertConfigSourceOptions {
  /** The file the config came from; error messages and `details.file` name it. */
  readonly file?: string | undefined;
  /** Overrides of {@link AlbertConfigLimits} (for configs you trust that exceed the defaults). */
  readonly limits?: Partial<AlbertConfigLimits> | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const SOURCE_OPTION_NAMES = ['file', 'limits'];

/** Options objects are strict: an unknown key is a typed error naming the accepted ones. */
function checkSourceOptions(options: AlbertConfigSourceOptions): void {
  if (typeof options !== 'object' || options === null) {
    fail(
      'CONFIG_UNKNOWN_OPTION',
      `options must be an object such as { file }, got ${formatValue(options)}`,
      { file: undefined },
      { value: options },
    );
  }
  for (const key of Object.keys(options)) {
    if (!SOURCE_OPTION_NAMES.includes(key)) {
      fail(
        'CONFIG_UNKNOWN_OPTION',
        `unknown option ${formatValue(key)}; options: ${SOURCE_OPTION_NAMES.join(', ')}`,
        { file: options.file },
        { field: key, supported: SOURCE_OPTION_NAMES },
      );
    }
  }
}

/** The fields that are not label settings, each with the check that turns unknown input into its type. */
const FIELD_CHECKS: {
  readonly [K in Exclude<AlbertConfigFieldName, 'numLabels' | 'id2label' | 'label2id'>]: (
    field: string,
    value: unknown,
    context: CheckContext,
  ) => AlbertConfigInit[K];
} = {
  vocabSize: checkPositiveInteger,
  embeddingSize: checkPositiveInteger,
  hiddenSize: checkPositiveInteger,
  numHiddenLayers: checkPositiveInteger,
  numHiddenGroups: checkInteger,
  numAttentionHeads: checkPositiveInteger,
  intermediateSize: checkPositiveInteger,
  innerGroupNum: checkPositiveInteger,
  hiddenAct: checkHiddenAct,
  hiddenDropoutProb: checkProbability,
  attentionProbsDropoutProb: checkProbability,
  maxPositionEmbeddings: checkPositiveInteger,
  typeVocabSize: checkPositiveInteger,
  initializerRange: checkNonNegativeNumber,
  layerNormEps: checkPositiveNumber,
  classifierDropoutProb: checkNullableProbability,
  positionEmbeddingType: checkPositionEmbeddingType,
  padTokenId: checkTokenId,
  bosTokenId: checkTokenId,
  eosTokenId: checkTokenId,
  problemType: checkProblemType,
  architectures: checkArchitectures,
  modelType: checkModelType,
  tieWordEmbeddings: checkBoolean,
  outputAttentions: checkBoolean,
  outputHiddenStates: checkBoolean,
  dtype: checkNullableString,
};

type CheckedField = keyof typeof FIELD_CHECKS;
const CHECKED_FIELDS = Object.keys(FIELD_CHECKS) as CheckedField[];
const LABEL_FIELDS = ['numLabels', 'id2label', 'label2id'] as const;
const ALL_FIELDS = [...CHECKED_FIELDS, ...LABEL_FIELDS] as const;

/** Fields written by toJSON even when absent from the source (the ALBERT-specific ones, as HF writes them). */
const ALWAYS_WRITTEN: ReadonlySet<AlbertConfigFieldName> = new Set<AlbertConfigFieldName>([
  'vocabSize',
  'embeddingSize',
  'hiddenSize',
  'numHiddenLayers',
  'numHiddenGroups',
  'numAttentionHeads',
  'intermediateSize',
  'innerGroupNum',
  'hiddenAct',
  'hiddenDropoutProb',
  'attentionProbsDropoutProb',
  'maxPositionEmbeddings',
  'typeVocabSize',
  'initializerRange',
  'layerNormEps',
  'classifierDropoutProb',
  'positionEmbeddingType',
  'padTokenId',
  'bosTokenId',
  'eosTokenId',
  'modelType',
]);

/** Bookkeeping that makes toJSON write back what was read. */
interface SourceInfo {
  /** config.json keys present in the source (HF names), so that defaults given explicitly are kept. */
  readonly keys: ReadonlySet<string>;
  /** The key `dtype` was read from: `dtype` or the older `torch_dtype`. */
  readonly dtypeKey: 'dtype' | 'torch_dtype';
  readonly file: string | undefined;
  readonly limits: AlbertConfigLimits;
}

/**
 * An ALBERT model configuration: every field of Hugging Face's `AlbertConfig` (and the inherited
 * `PretrainedConfig` fields ALBERT uses), immutable and validated when created.
 *
 * - Read a config.json with {@link AlbertConfig.parse} (text) or {@link AlbertConfig.fromJSON} (parsed
 *   object); a missing field takes HF's default ({@link ALBERT_CONFIG_DEFAULTS}).
 * - Write it back with {@link AlbertConfig.toJSON}: HF snake_case keys, sorted like `save_pretrained`,
 *   unknown fields preserved verbatim.
 * - Properties are camelCase; {@link ALBERT_CONFIG_FIELD_NAMES} is the one mapping to the snake_case keys.
 * - Invalid input throws a {@link ConfigError} whose message and details name the file, field and value.
 *
 * Cross-field rules: `hidden_size` is a multiple of `num_attention_heads`; `1 ≤ num_hidden_groups ≤
 * num_hidden_layers` (uneven splits such as 7 layers in 2 groups are valid: see
 * {@link AlbertConfig.groupIndexOfLayer}); `pad_token_id < vocab_size`; `num_labels`, `id2label`, `label2id`
 * agree.
 *
 * @example
 * ```ts
 * const config = AlbertConfig.parse(await readFile('config.json', 'utf8'), { file: 'config.json' });
 * config.hiddenSize;            // 768
 * config.with({ numLabels: 3 }).toJSON().id2label;   // { '0': 'LABEL_0', '1': 'LABEL_1', '2': 'LABEL_2' }
 * ```
 */
export class AlbertConfig implements AlbertConfigInit {
  /** `vocab_size`: number of token ids. */
  readonly vocabSize: number;
  /** `embedding_size`: width E of the factorized embeddings. */
  readonly embeddingSize: number;
  /** `hidden_size`: width H of the encoder. */
  readonly hiddenSize: number;
  /** `num_hidden_layers`: layers L the encoder runs. */
  readonly numHiddenLayers: number;
  /** `num_hidden_groups`: distinct weight groups G (1 ≤ G ≤ L). */
  readonly numHiddenGroups: number;
  /** `num_attention_heads`: heads per attention layer. */
  readonly numAttentionHeads: number;
  /** `intermediate_size`: width I of the feed-forward block. */
  readonly intermediateSize: number;
  /** `inner_group_num`: layers inside each group. */
  readonly innerGroupNum: number;
  /** `hidden_act`: activation of the feed-forward block and the MLM head. */
  readonly hiddenAct: HiddenAct;
  /** `hidden_dropout_prob` (training only). */
  readonly hiddenDropoutProb: number;
  /** `attention_probs_dropout_prob` (training only). */
  readonly attentionProbsDropoutProb: number;
  /** `max_position_embeddings`: longest sequence. */
  readonly maxPositionEmbeddings: number;
  /** `type_vocab_size`: number of token type ids. */
  readonly typeVocabSize: number;
  /** `initializer_range`: std of the weight initializer. */
  readonly initializerRange: number;
  /** `layer_norm_eps`: LayerNorm epsilon. */
  readonly layerNormEps: number;
  /**
   * `classifier_dropout_prob` (training only); `null` as HF allows it: the token classifier then uses
   * `hidden_dropout_prob`.
   */
  readonly classifierDropoutProb: number | null;
  /** `position_embedding_type`. */
  readonly positionEmbeddingType: PositionEmbeddingType;
  /** `pad_token_id`. */
  readonly padTokenId: number | null;
  /** `bos_token_id`. */
  readonly bosTokenId: number | null;
  /** `eos_token_id`. */
  readonly eosTokenId: number | null;
  /** `num_labels`: outputs of classification heads. */
  readonly numLabels: number;
  /** `id2label`: name of each class index. */
  readonly id2label: Readonly<Record<number, string>>;
  /** `label2id`: class index of each name. */
  readonly label2id: Readonly<Record<string, number>>;
  /** `problem_type`. */
  readonly problemType: ProblemType | null;
  /** `architectures`. */
  readonly architectures: readonly string[] | null;
  /** `model_type`: always `albert`. */
  readonly modelType: 'albert';
  /** `tie_word_embeddings`. */
  readonly tieWordEmbeddings: boolean;
  /** `output_attentions`. */
  readonly outputAttentions: boolean;
  /** `output_hidden_states`. */
  readonly outputHiddenStates: boolean;
  /** `dtype` / `torch_dtype`. */
  readonly dtype: string | null;
  /** Fields of config.json that AlbertConfig does not interpret, preserved for toJSON. */
  readonly extraFields: Readonly<Record<string, unknown>>;
  /** The file this config was read from, if any (used in error messages; not written by toJSON). */
  readonly file: string | undefined;

  readonly #source: SourceInfo;

  private constructor(init: AlbertConfigInit, source: SourceInfo) {
    this.vocabSize = init.vocabSize;
    this.embeddingSize = init.embeddingSize;
    this.hiddenSize = init.hiddenSize;
    this.numHiddenLayers = init.numHiddenLayers;
    this.numHiddenGroups = init.numHiddenGroups;
    this.numAttentionHeads = init.numAttentionHeads;
    this.intermediateSize = init.intermediateSize;
    this.innerGroupNum = init.innerGroupNum;
    this.hiddenAct = init.hiddenAct;
    this.hiddenDropoutProb = init.hiddenDropoutProb;
    this.attentionProbsDropoutProb = init.attentionProbsDropoutProb;
    this.maxPositionEmbeddings = init.maxPositionEmbeddings;
    this.typeVocabSize = init.typeVocabSize;
    this.initializerRange = init.initializerRange;
    this.layerNormEps = init.layerNormEps;
    this.classifierDropoutProb = init.classifierDropoutProb;
    this.positionEmbeddingType = init.positionEmbeddingType;
    this.padTokenId = init.padTokenId;
    this.bosTokenId = init.bosTokenId;
    this.eosTokenId = init.eosTokenId;
    this.numLabels = init.numLabels;
    this.id2label = init.id2label;
    this.label2id = init.label2id;
    this.problemType = init.problemType;
    this.architectures = init.architectures;
    this.modelType = init.modelType;
    this.tieWordEmbeddings = init.tieWordEmbeddings;
    this.outputAttentions = init.outputAttentions;
    this.outputHiddenStates = init.outputHiddenStates;
    this.dtype = init.dtype;
    this.extraFields = init.extraFields;
    this.file = source.file;
    this.#source = source;
    Object.freeze(this);
  }

  /**
   * Builds a config from a parsed config.json object (HF snake_case keys). Missing fields take HF's
   * defaults; unknown fields are kept in {@link AlbertConfig.extraFields}.
   * @throws {@link ConfigError} when a field is invalid (the error names `options.file`, the field and value).
   */
  static fromJSON(json: unknown, options: AlbertConfigSourceOptions = {}): AlbertConfig {
    checkSourceOptions(options);
    const limits = resolveConfigLimits(options.limits, options.file);
    const context: CheckContext = { file: options.file, limits };
    if (!isPlainObject(json)) {
      fail('CONFIG_NOT_AN_OBJECT', `an ALBERT config must be a JSON object, got ${formatValue(json)}`, context, {
        value: json,
      });
    }
    const known: Partial<Record<AlbertConfigFieldName, unknown>> = {};
    const extraFields: Record<string, unknown> = {};
    let dtypeKey: 'dtype' | 'torch_dtype' = 'dtype';
    const keepExtra = (key: string, value: unknown): void => {
      // defineProperty: a field named `__proto__` stays a field (assignment would set the prototype)
      Object.defineProperty(extraFields, key, {
        value: cloneFrozenJson(value, key, context),
        enumerable: true,
        writable: false,
        configurable: false,
      });
    };
    for (const [key, value] of Object.entries(json)) {
      const field = fromHfFieldName(key);
      if (field !== undefined) known[field] = value;
      else if (key !== 'torch_dtype') keepExtra(key, value);
    }
    if (Object.hasOwn(json, 'torch_dtype')) {
      if (Object.hasOwn(json, 'dtype'))
        keepExtra('torch_dtype', json['torch_dtype']); // both present: HF uses `dtype`
      else {
        known.dtype = json['torch_dtype'];
        dtypeKey = 'torch_dtype';
      }
    }
    const init: Mutable<AlbertConfigInit> = { ...ALBERT_CONFIG_DEFAULTS, extraFields };
    const assign = <K extends CheckedField>(field: K): void => {
      if (field in known)
        init[field] = FIELD_CHECKS[field](
          ALBERT_CONFIG_FIELD_NAMES[field],
          known[field],
          context,
        ) as Mutable<AlbertConfigInit>[K];
    };
    for (const field of CHECKED_FIELDS) assign(field);
    Object.assign(
      init,
      resolveLabels({ numLabels: known.numLabels, id2label: known.id2label, label2id: known.label2id }, context),
    );
    Object.freeze(extraFields);
    return AlbertConfig.#create(init, { keys: new Set(Object.keys(json)), dtypeKey, file: options.file, limits });
  }

  /**
   * Parses the text of a config.json.
   * @throws {@link ConfigError} `CONFIG_INVALID_JSON` when the text is not JSON, or any error of {@link AlbertConfig.fromJSON}.
   */
  static parse(text: string, options: AlbertConfigSourceOptions = {}): AlbertConfig {
    checkSourceOptions(options);
    const limits = resolveConfigLimits(options.limits, options.file);
    if (typeof text === 'string' && text.length > limits.maximumLength) {
      fail(
        'CONFIG_LIMIT_EXCEEDED',
        `config.json has ${text.length} characters, more than the limit maximumLength = ${limits.maximumLength}; if the config is trusted, raise it with the limits option`,
        { file: options.file },
        { value: text.length, limit: 'maximumLength' },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      fail('CONFIG_INVALID_JSON', `config.json is not valid JSON: ${reason}`, { file: options.file }, {});
    }
    return AlbertConfig.fromJSON(json, options);
  }

  /**
   * The configuration of a published checkpoint; see {@link ALBERT_PRESET_NAMES} for the values and the
   * v1/v2 differences. The Hub spelling `albert/albert-base-v2` is accepted too.
   * @throws {@link ConfigError} `CONFIG_UNKNOWN_PRESET` for any other name.
   */
  static preset(name: AlbertPresetName): AlbertConfig {
    const bare = typeof name === 'string' && name.startsWith('albert/') ? name.slice('albert/'.length) : name;
    if (!isAlbertPresetName(bare)) {
      fail(
        'CONFIG_UNKNOWN_PRESET',
        `unknown ALBERT preset ${formatValue(name)}; presets: ${ALBERT_PRESET_NAMES.join(', ')}`,
        { file: undefined },
        {
          value: name,
          supported: ALBERT_PRESET_NAMES,
        },
      );
    }
    return AlbertConfig.fromJSON(ALBERT_PRESETS[bare], { file: `preset ${bare}` });
  }

  /** A config with HF's defaults for every field (the albert-xxlarge architecture), then `overrides`. */
  static create(overrides: Partial<AlbertConfigInit> = {}): AlbertConfig {
    return AlbertConfig.fromJSON({}).with(overrides);
  }

  /**
   * A copy with some fields changed, validated like a parsed file. Label rules follow HF: a new
   * `id2label` sets `numLabels` to its size; a new `numLabels` alone regenerates `LABEL_i` names.
   * @throws {@link ConfigError} when the result is invalid, or `CONFIG_UNKNOWN_FIELD` for a key that is not a field.
   */
  with(overrides: Partial<AlbertConfigInit>): AlbertConfig {
    const context: CheckContext = { file: this.file, limits: this.#source.limits };
    const init: Mutable<AlbertConfigInit> = { ...this.#init() };
    for (const key of Object.keys(overrides)) {
      if (key !== 'extraFields' && !(ALL_FIELDS as readonly string[]).includes(key)) {
        fail('CONFIG_UNKNOWN_FIELD', `AlbertConfig has no field ${formatValue(key)}`, context, {
          field: key,
          value: (overrides as Record<string, unknown>)[key],
        });
      }
    }
    const assign = <K extends CheckedField>(field: K): void => {
      if (overrides[field] !== undefined) {
        init[field] = FIELD_CHECKS[field](
          ALBERT_CONFIG_FIELD_NAMES[field],
          overrides[field],
          context,
        ) as Mutable<AlbertConfigInit>[K];
      }
    };
    for (const field of CHECKED_FIELDS) assign(field);
    if (overrides.extraFields !== undefined) {
      if (!isPlainObject(overrides.extraFields)) {
        fail(
          'CONFIG_INVALID_TYPE',
          `extraFields must be an object, got ${formatValue(overrides.extraFields)}`,
          context,
          { field: 'extraFields', value: overrides.extraFields },
        );
      }
      for (const key of Object.keys(overrides.extraFields)) {
        if (fromHfFieldName(key) !== undefined) {
          fail(
            'CONFIG_INVALID_TYPE',
            `extraFields must not hold the AlbertConfig field ${key}; set ${fromHfFieldName(key)} instead`,
            context,
            { field: key },
          );
        }
      }
      init.extraFields = cloneFrozenJson(overrides.extraFields, 'extraFields', context) as Record<string, unknown>;
    }
    if (overrides.id2label !== undefined) {
      Object.assign(
        init,
        resolveLabels(
          { numLabels: overrides.numLabels, id2label: overrides.id2label, label2id: overrides.label2id },
          context,
        ),
      );
    } else if (overrides.numLabels !== undefined && overrides.numLabels !== this.numLabels) {
      Object.assign(init, resolveLabels({ numLabels: overrides.numLabels, label2id: overrides.label2id }, context));
    } else {
      Object.assign(
        init,
        resolveLabels(
          { numLabels: this.numLabels, id2label: this.id2label, label2id: overrides.label2id ?? this.label2id },
          context,
        ),
      );
    }
    return AlbertConfig.#create(init, this.#source);
  }

  /** Head size: `hiddenSize / numAttentionHeads` (an integer, checked at creation). */
  get attentionHeadSize(): number {
    return this.hiddenSize / this.numAttentionHeads;
  }

  /**
   * The weight group that layer `layerIndex` (0-based) runs, exactly as HF computes it:
   * `int(layerIndex / (numHiddenLayers / numHiddenGroups))`, in float64 then truncated. With 7 layers
   * in 2 groups this gives 0,0,0,0,1,1,1.
   * @throws {@link ConfigError} `CONFIG_LAYER_OUT_OF_RANGE` unless `0 ≤ layerIndex < numHiddenLayers`.
   */
  groupIndexOfLayer(layerIndex: number): number {
    if (!Number.isInteger(layerIndex) || layerIndex < 0 || layerIndex >= this.numHiddenLayers) {
      fail(
        'CONFIG_LAYER_OUT_OF_RANGE',
        `layer index ${formatValue(layerIndex)} is not between 0 and ${this.numHiddenLayers - 1} (num_hidden_layers is ${this.numHiddenLayers})`,
        { file: this.file },
        { field: 'num_hidden_layers', value: layerIndex },
      );
    }
    return Math.trunc(layerIndex / (this.numHiddenLayers / this.numHiddenGroups));
  }

  /**
   * The config.json object: HF snake_case keys in sorted order (like `save_pretrained`), every ALBERT
   * field (defaults filled in), `model_type`, the inherited fields that are set or were in the source
   * (`architectures`, `dtype`/`torch_dtype`, `id2label`/`label2id` unless HF's default two labels,
   * `problem_type`, ...), and every unknown field of the source, unchanged. `id2label` keys are strings.
   */
  toJSON(): Record<string, unknown> {
    const sourceKeys = this.#source.keys;
    // a mutable copy whose keys are defined as data (a `__proto__` field stays a field)
    const out = cloneJsonValue(
      this.extraFields,
      'extraFields',
      { file: this.file, limits: this.#source.limits },
      false,
    ) as Record<string, unknown>;
    const write = (field: AlbertConfigFieldName, value: unknown, condition: boolean): void => {
      const key = field === 'dtype' ? this.#source.dtypeKey : ALBERT_CONFIG_FIELD_NAMES[field];
      if (condition || ALWAYS_WRITTEN.has(field) || sourceKeys.has(key)) out[key] = value;
    };
    for (const field of CHECKED_FIELDS) {
      if (field === 'architectures')
        write(field, this.architectures === null ? null : [...this.architectures], this.architectures !== null);
      else if (field === 'problemType') write(field, this.problemType, this.problemType !== null);
      else if (field === 'tieWordEmbeddings') write(field, this.tieWordEmbeddings, !this.tieWordEmbeddings);
      else if (field === 'outputAttentions') write(field, this.outputAttentions, this.outputAttentions);
      else if (field === 'outputHiddenStates') write(field, this.outputHiddenStates, this.outputHiddenStates);
      else if (field === 'dtype') write(field, this.dtype, this.dtype !== null);
      else write(field, this[field], true);
    }
    const customLabels = !isDefaultLabels(this);
    write('id2label', Object.fromEntries(Object.entries(this.id2label)), customLabels);
    write('label2id', { ...this.label2id }, customLabels || sourceKeys.has('id2label'));
    write('numLabels', this.numLabels, false);
    return Object.fromEntries(
      Object.keys(out)
        .sort()
        .map((key) => [key, Object.getOwnPropertyDescriptor(out, key)?.value]),
    );
  }

  /** {@link AlbertConfig.toJSON} as config.json text (2-space indent, trailing newline). */
  toJSONText(): string {
    return `${JSON.stringify(this.toJSON(), null, 2)}\n`;
  }

  #init(): AlbertConfigInit {
    const init = {} as Mutable<AlbertConfigInit>;
    for (const field of ALL_FIELDS) (init as Record<string, unknown>)[field] = this[field];
    init.extraFields = this.extraFields;
    return init;
  }

  static #create(init: AlbertConfigInit, source: SourceInfo): AlbertConfig {
    const context: CheckContext = { file: source.file, limits: source.limits };
    const layers = init.numHiddenLayers * init.innerGroupNum;
    if (layers > source.limits.maximumLayers) {
      fail(
        'CONFIG_LIMIT_EXCEEDED',
        `num_hidden_layers × inner_group_num (${init.numHiddenLayers} × ${init.innerGroupNum} = ${layers}) exceeds the limit maximumLayers = ${source.limits.maximumLayers}; if the config is trusted, raise it with the limits option`,
        context,
        {
          field: init.innerGroupNum > 1 ? 'inner_group_num' : 'num_hidden_layers',
          value: layers,
          limit: 'maximumLayers',
        },
      );
    }
    if (init.hiddenSize % init.numAttentionHeads !== 0) {
      fail(
        'CONFIG_HEADS_NOT_DIVIDING',
        `hidden_size (${init.hiddenSize}) is not a multiple of num_attention_heads (${init.numAttentionHeads})`,
        context,
        { field: 'hidden_size', value: init.hiddenSize, numAttentionHeads: init.numAttentionHeads },
      );
    }
    if (init.numHiddenGroups < 1 || init.numHiddenGroups > init.numHiddenLayers) {
      fail(
        'CONFIG_GROUPS_OUT_OF_RANGE',
        `num_hidden_groups (${init.numHiddenGroups}) must be between 1 and num_hidden_layers (${init.numHiddenLayers})`,
        context,
        { field: 'num_hidden_groups', value: init.numHiddenGroups, numHiddenLayers: init.numHiddenLayers },
      );
    }
    if (init.padTokenId !== null && init.padTokenId >= init.vocabSize) {
      fail(
        'CONFIG_OUT_OF_RANGE',
        `pad_token_id (${init.padTokenId}) must be less than vocab_size (${init.vocabSize})`,
        context,
        { field: 'pad_token_id', value: init.padTokenId, vocabSize: init.vocabSize },
      );
    }
    return new AlbertConfig(init, source);
  }
}
