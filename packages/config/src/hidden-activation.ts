/**
 * Every value of `hidden_act` that an ALBERT config may name.
 *
 * These are the entries of Hugging Face transformers' `ACT2FN` table (`activations.py`) that are plain
 * element-wise functions without learnable parameters, so that a graph builder can implement each one
 * from its formula alone. HF's `prelu` and `xielu` are left out on purpose: they carry trainable weights
 * that ALBERT checkpoints do not have.
 *
 * Formulas (x is one element; `Φ` is the standard normal CDF, `erf` the error function,
 * `σ(x) = 1 / (1 + e^-x)` the logistic sigmoid, `softplus(x) = ln(1 + e^x)`):
 *
 * | name | formula | HF class |
 * |------|---------|----------|
 * | `gelu` | `x · Φ(x) = 0.5 · x · (1 + erf(x / √2))` (exact, erf) | `GELUActivation` |
 * | `gelu_python` | same as `gelu` (HF's pure-Python spelling) | `GELUActivation(use_gelu_python)` |
 * | `gelu_new` | `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))` (tanh approximation; ALBERT's default) | `NewGELUActivation` |
 * | `gelu_pytorch_tanh` | same formula as `gelu_new` (PyTorch `gelu(approximate='tanh')`) | `GELUTanh` |
 * | `gelu_python_tanh` | same formula as `gelu_new` | `GELUTanh(use_gelu_tanh_python)` |
 * | `gelu_fast` | `0.5 · x · (1 + tanh(0.7978845608 · x · (1 + 0.044715 · x²)))` (= `gelu_new` rearranged) | `FastGELUActivation` |
 * | `gelu_accurate` | `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))` | `AccurateGELUActivation` |
 * | `gelu_10` | `min(max(gelu(x), -10), 10)` (erf GELU clipped to [-10, 10]) | `ClippedGELUActivation` |
 * | `quick_gelu` | `x · σ(1.702 · x)` | `QuickGELUActivation` |
 * | `laplace` | `0.5 · (1 + erf((x - μ) / (σ · √2)))` with μ = 0.707107, σ = 0.282095 | `LaplaceActivation` |
 * | `relu` | `max(x, 0)` | `nn.ReLU` |
 * | `relu2` | `max(x, 0)²` | `ReLUSquaredActivation` |
 * | `relu6` | `min(max(x, 0), 6)` | `nn.ReLU6` |
 * | `leaky_relu` | `x ≥ 0 ? x : 0.01 · x` (PyTorch default slope 0.01) | `nn.LeakyReLU` |
 * | `hardswish` | `x · min(max(x + 3, 0), 6) / 6` | `nn.Hardswish` |
 * | `silu` | `x · σ(x)` | `nn.SiLU` |
 * | `swish` | same as `silu` | `nn.SiLU` |
 * | `mish` | `x · tanh(softplus(x))` | `MishActivation` |
 * | `sigmoid` | `σ(x)` | `nn.Sigmoid` |
 * | `tanh` | `tanh(x)` | `nn.Tanh` |
 * | `linear` | `x` (identity) | `LinearActivation` |
 *
 * The tanh-approximated GELUs and the erf GELU differ by up to ~1e-3 around |x| ≈ 2: they must never be
 * conflated. ALBERT applies `hidden_act` in the feed-forward block of every layer and in the MLM head's
 * transform (`predictions.dense` → act → LayerNorm).
 */
export const HIDDEN_ACTIVATIONS = [
  'gelu',
  'gelu_python',
  'gelu_new',
  'gelu_pytorch_tanh',
  'gelu_python_tanh',
  'gelu_fast',
  'gelu_accurate',
  'gelu_10',
  'quick_gelu',
  'laplace',
  'relu',
  'relu2',
  'relu6',
  'leaky_relu',
  'hardswish',
  'silu',
  'swish',
  'mish',
  'sigmoid',
  'tanh',
  'linear',
] as const;

/** A supported `hidden_act` name; see {@link HIDDEN_ACTIVATIONS} for the formula of each. */
export type HiddenAct = (typeof HIDDEN_ACTIVATIONS)[number];

/** Is `value` one of the supported {@link HIDDEN_ACTIVATIONS}? */
export function isHiddenAct(value: unknown): value is HiddenAct {
  return typeof value === 'string' && (HIDDEN_ACTIVATIONS as readonly string[]).includes(value);
}
