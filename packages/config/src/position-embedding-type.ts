/**
 * The supported `position_embedding_type` values, as in HF's ALBERT:
 * - `absolute`: learned position embeddings (width `embedding_size`) added to the word embeddings.
 * - `relative_key`: Shaw et al. relative positions; attention scores get `q · d(i - j)` added, where
 *   `d` is the layer's `distance_embedding` table of shape `[2 · max_position_embeddings - 1, head size]`.
 * - `relative_key_query`: Huang et al.; scores get `q · d(i - j) + k · d(i - j)` added.
 */
export const POSITION_EMBEDDING_TYPES = ['absolute', 'relative_key', 'relative_key_query'] as const;

/** A supported `position_embedding_type`; see {@link POSITION_EMBEDDING_TYPES}. */
export type PositionEmbeddingType = (typeof POSITION_EMBEDDING_TYPES)[number];
