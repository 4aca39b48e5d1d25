/**
 * Names of the ALBERT checkpoints Google published and the Hugging Face Hub hosts under `albert/…`.
 *
 * | preset | L | H | heads | I | E | hidden_act | dropout (hidden, attention) |
 * |--------|--:|--:|------:|--:|--:|------------|-----------------------------|
 * | `albert-base-v1` | 12 | 768 | 12 | 3072 | 128 | gelu | 0.1, 0.1 |
 * | `albert-large-v1` | 24 | 1024 | 16 | 4096 | 128 | gelu | 0.1, 0.1 |
 * | `albert-xlarge-v1` | 24 | 2048 | 16 | 8192 | 128 | gelu | 0.1, 0.1 |
 * | `albert-xxlarge-v1` | 12 | 4096 | 64 | 16384 | 128 | gelu | 0, 0 |
 * | `albert-base-v2` | 12 | 768 | 12 | 3072 | 128 | gelu_new | 0, 0 |
 * | `albert-large-v2` | 24 | 1024 | 16 | 4096 | 128 | gelu_new | 0, 0 |
 * | `albert-xlarge-v2` | 24 | 2048 | 16 | 8192 | 128 | gelu_new | 0, 0 |
 * | `albert-xxlarge-v2` | 12 | 4096 | 64 | 16384 | 128 | gelu_new | 0, 0 |
 *
 * All share vocab_size 30000, num_hidden_groups 1 (every layer shares one set of weights),
 * inner_group_num 1, max_position_embeddings 512, type_vocab_size 2, initializer_range 0.02,
 * layer_norm_eps 1e-12, classifier_dropout_prob 0.1, pad/bos/eos 0/2/3, absolute positions.
 *
 * **v1 vs v2**: the v1 configs use the exact (erf) `gelu`, the v2 configs the tanh approximation
 * `gelu_new`; v1 base/large/xlarge were trained with dropout 0.1, every v2 model (and v1 xxlarge)
 * with dropout 0. v2 was also trained longer on more data (different weights), which a config does not show.
 * Dropout has no effect in inference; the activation does, so v1 weights must run with `gelu`.
 */
export const ALBERT_PRESET_NAMES = [
  'albert-base-v1',
  'albert-large-v1',
  'albert-xlarge-v1',
  'albert-xxlarge-v1',
  'albert-base-v2',
  'albert-large-v2',
  'albert-xlarge-v2',
  'albert-xxlarge-v2',
] as const;

/** One of {@link ALBERT_PRESET_NAMES}. */
export type AlbertPresetName = (typeof ALBERT_PRESET_NAMES)[number];

/** Is `name` one of {@link ALBERT_PRESET_NAMES}? */
export function isAlbertPresetName(name: unknown): name is AlbertPresetName {
  return typeof name === 'string' && (ALBERT_PRESET_NAMES as readonly string[]).includes(name);
}

const SIZES = {
  base: { hidden_size: 768, num_attention_heads: 12, intermediate_size: 3072, num_hidden_layers: 12 },
  large: { hidden_size: 1024, num_attention_heads: 16, intermediate_size: 4096, num_hidden_layers: 24 },
  xlarge: { hidden_size: 2048, num_attention_heads: 16, intermediate_size: 8192, num_hidden_layers: 24 },
  xxlarge: { hidden_size: 4096, num_attention_heads: 64, intermediate_size: 16384, num_hidden_layers: 12 },
} as const;

function presetJson(size: keyof typeof SIZES, version: 1 | 2): Readonly<Record<string, unknown>> {
  const dropout = version === 1 && size !== 'xxlarge' ? 0.1 : 0;
  return Object.freeze({
    architectures: ['AlbertForMaskedLM'],
    attention_probs_dropout_prob: dropout,
    bos_token_id: 2,
    classifier_dropout_prob: 0.1,
    embedding_size: 128,
    eos_token_id: 3,
    hidden_act: version === 1 ? 'gelu' : 'gelu_new',
    hidden_dropout_prob: dropout,
    ...SIZES[size],
    initializer_range: 0.02,
    inner_group_num: 1,
    layer_norm_eps: 1e-12,
    max_position_embeddings: 512,
    model_type: 'albert',
    num_hidden_groups: 1,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
    type_vocab_size: 2,
    vocab_size: 30000,
  });
}

/**
 * The config.json (HF snake_case) of every preset, with the values of the files on the Hugging Face Hub
 * (`albert/albert-base-v2/config.json`, ...). Fields that have no effect in transformers
 * (`down_scale_factor`, `gap_size`, `net_structure_type`, `num_memory_blocks`) are left out.
 */
export const ALBERT_PRESETS: Readonly<Record<AlbertPresetName, Readonly<Record<string, unknown>>>> = Object.freeze({
  'albert-base-v1': presetJson('base', 1),
  'albert-large-v1': presetJson('large', 1),
  'albert-xlarge-v1': presetJson('xlarge', 1),
  'albert-xxlarge-v1': presetJson('xxlarge', 1),
  'albert-base-v2': presetJson('base', 2),
  'albert-large-v2': presetJson('large', 2),
  'albert-xlarge-v2': presetJson('xlarge', 2),
  'albert-xxlarge-v2': presetJson('xxlarge', 2),
});
