import type { AlbertConfig } from '@albert-ts/config';

/** The model classes whose weights albert-ts resolves (Hugging Face class names). */
export type AlbertHead =
  | 'AlbertModel'
  | 'AlbertForPreTraining'
  | 'AlbertForMaskedLM'
  | 'AlbertForSequenceClassification'
  | 'AlbertForMultipleChoice'
  | 'AlbertForTokenClassification'
  | 'AlbertForQuestionAnswering';

/** Every {@link AlbertHead}. */
export const ALBERT_HEADS: readonly AlbertHead[] = [
  'AlbertModel',
  'AlbertForPreTraining',
  'AlbertForMaskedLM',
  'AlbertForSequenceClassification',
  'AlbertForMultipleChoice',
  'AlbertForTokenClassification',
  'AlbertForQuestionAnswering',
];

/** One tensor a head needs (or may use), with the shape its config implies. */
export interface AlbertWeightSpec {
  /** Canonical key: encoder keys with the `albert.` prefix, head keys as HF names them. */
  readonly key: string;
  /** Shape implied by the config. */
  readonly shape: readonly number[];
  /** The same shape in config.json field names, e.g. `[vocab_size, embedding_size]`. */
  readonly shapeSource: string;
  /** Whether the tensor may be absent (the pooler of heads that do not use it, unused position embeddings). */
  readonly optional: boolean;
}

/** Heads that run the pooler (so `albert.pooler.*` is required for them). */
const HEADS_WITH_POOLER: ReadonlySet<AlbertHead> = new Set([
  'AlbertModel',
  'AlbertForPreTraining',
  'AlbertForSequenceClassification',
  'AlbertForMultipleChoice',
]);

/**
 * The tensors `head` needs for `config`, in module order, with their shapes: embeddings, the E→H
 * projection, each layer group's `inner_group_num` layers (plus `distance_embedding` for relative
 * position types), the pooler, then the head. The tied MLM decoder is not listed unless
 * `tie_word_embeddings` is false.
 */
export function albertWeightSpecs(config: AlbertConfig, head: AlbertHead): AlbertWeightSpec[] {
  const V = config.vocabSize;
  const E = config.embeddingSize;
  const H = config.hiddenSize;
  const I = config.intermediateSize;
  const specs: AlbertWeightSpec[] = [];
  const add = (key: string, shape: number[], shapeSource: string, optional = false): void => {
    specs.push({ key, shape, shapeSource, optional });
  };
  const relative = config.positionEmbeddingType !== 'absolute';

  add('albert.embeddings.word_embeddings.weight', [V, E], '[vocab_size, embedding_size]');
  // Relative position types keep (but never read) the absolute table.
  add(
    'albert.embeddings.position_embeddings.weight',
    [config.maxPositionEmbeddings, E],
    '[max_position_embeddings, embedding_size]',
    relative,
  );
  add('albert.embeddings.token_type_embeddings.weight', [config.typeVocabSize, E], '[type_vocab_size, embedding_size]');
  add('albert.embeddings.LayerNorm.weight', [E], '[embedding_size]');
  add('albert.embeddings.LayerNorm.bias', [E], '[embedding_size]');
  add('albert.encoder.embedding_hidden_mapping_in.weight', [H, E], '[hidden_size, embedding_size]');
  add('albert.encoder.embedding_hidden_mapping_in.bias', [H], '[hidden_size]');
  for (let group = 0; group < config.numHiddenGroups; group += 1) {
    for (let inner = 0; inner < config.innerGroupNum; inner += 1) {
      const layer = `albert.encoder.albert_layer_groups.${group}.albert_layers.${inner}`;
      for (const projection of ['query', 'key', 'value', 'dense']) {
        add(`${layer}.attention.${projection}.weight`, [H, H], '[hidden_size, hidden_size]');
        add(`${layer}.attention.${projection}.bias`, [H], '[hidden_size]');
      }
      add(`${layer}.attention.LayerNorm.weight`, [H], '[hidden_size]');
      add(`${layer}.attention.LayerNorm.bias`, [H], '[hidden_size]');
      if (relative) {
        add(
          `${layer}.attention.distance_embedding.weight`,
          [2 * config.maxPositionEmbeddings - 1, config.attentionHeadSize],
          '[2 * max_position_embeddings - 1, hidden_size / num_attention_heads]',
        );
      }
      add(`${layer}.ffn.weight`, [I, H], '[intermediate_size, hidden_size]');
      add(`${layer}.ffn.bias`, [I], '[intermediate_size]');
      add(`${layer}.ffn_output.weight`, [H, I], '[hidden_size, intermediate_size]');
      add(`${layer}.ffn_output.bias`, [H], '[hidden_size]');
      add(`${layer}.full_layer_layer_norm.weight`, [H], '[hidden_size]');
      add(`${layer}.full_layer_layer_norm.bias`, [H], '[hidden_size]');
    }
  }
  const pooler = !HEADS_WITH_POOLER.has(head);
  add('albert.pooler.weight', [H, H], '[hidden_size, hidden_size]', pooler);
  add('albert.pooler.bias', [H], '[hidden_size]', pooler);

  switch (head) {
    case 'AlbertModel':
      break;
    case 'AlbertForPreTraining':
    case 'AlbertForMaskedLM':
      add('predictions.dense.weight', [E, H], '[embedding_size, hidden_size]');
      add('predictions.dense.bias', [E], '[embedding_size]');
      add('predictions.LayerNorm.weight', [E], '[embedding_size]');
      add('predictions.LayerNorm.bias', [E], '[embedding_size]');
      add('predictions.bias', [V], '[vocab_size]');
      if (!config.tieWordEmbeddings) add('predictions.decoder.weight', [V, E], '[vocab_size, embedding_size]');
      if (head === 'AlbertForPreTraining') {
        add('sop_classifier.classifier.weight', [2, H], '[2, hidden_size]');
        add('sop_classifier.classifier.bias', [2], '[2]');
      }
      break;
    case 'AlbertForSequenceClassification':
    case 'AlbertForTokenClassification':
      add('classifier.weight', [config.numLabels, H], '[num_labels, hidden_size]');
      add('classifier.bias', [config.numLabels], '[num_labels]');
      break;
    case 'AlbertForMultipleChoice':
      add('classifier.weight', [1, H], '[1, hidden_size]');
      add('classifier.bias', [1], '[1]');
      break;
    case 'AlbertForQuestionAnswering':
      add('qa_outputs.weight', [config.numLabels, H], '[num_labels, hidden_size]');
      add('qa_outputs.bias', [config.numLabels], '[num_labels]');
      break;
  }
  return specs;
}
