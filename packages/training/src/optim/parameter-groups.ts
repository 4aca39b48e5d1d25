/**
 * Whether a parameter gets weight decay, by HF name: not for biases and LayerNorm weights
 * (names ending in `bias` or containing `LayerNorm`, the grouping of HF's example trainers).
 */
export function decaysByDefault(name: string): boolean {
  return !(name.endsWith('bias') || name.includes('LayerNorm'));
}
