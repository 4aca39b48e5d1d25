import type { HiddenAct } from '@albert-ts/config';
import { attribute, type GraphBuilder, type GraphValue } from './graph-builder.js';

const SQRT_HALF = Math.SQRT1_2;
const SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

function erfGelu(g: GraphBuilder, x: GraphValue): GraphValue {
  // 0.5 · x · (1 + erf(x / √2))
  const cdf = g.add(g.float(1), g.unary('Erf', g.mul(x, g.float(SQRT_HALF))));
  return g.mul(g.mul(x, g.float(0.5)), cdf);
}

function tanhGelu(g: GraphBuilder, x: GraphValue): GraphValue {
  // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))
  const cube = g.mul(g.mul(x, x), x);
  const inner = g.mul(g.float(SQRT_TWO_OVER_PI), g.add(x, g.mul(g.float(0.044715), cube)));
  return g.mul(g.mul(g.float(0.5), x), g.add(g.float(1), g.unary('Tanh', inner)));
}

function clip(g: GraphBuilder, x: GraphValue, low: number, high: number): GraphValue {
  return g.op('Clip', [x, g.float(low), g.float(high)]);
}

/**
 * Applies the config's `hidden_act` element-wise, with the formulas of HF's `ACT2FN` (see
 * `HIDDEN_ACTIVATIONS` in `@albert-ts/config`). Shape is unchanged.
 */
export function applyActivation(g: GraphBuilder, x: GraphValue, activation: HiddenAct): GraphValue {
  return g.within(activation, () => {
    switch (activation) {
      case 'gelu':
      case 'gelu_python':
        return erfGelu(g, x);
      case 'gelu_new':
      case 'gelu_pytorch_tanh':
      case 'gelu_python_tanh':
      case 'gelu_accurate':
        return tanhGelu(g, x);
      case 'gelu_fast': {
        // 0.5 · x · (1 + tanh(0.7978845608 · x · (1 + 0.044715 · x²)))
        const inner = g.mul(g.mul(x, g.float(0.7978845608)), g.add(g.float(1), g.mul(g.float(0.044715), g.mul(x, x))));
        return g.mul(g.mul(g.float(0.5), x), g.add(g.float(1), g.unary('Tanh', inner)));
      }
      case 'gelu_10':
        return clip(g, erfGelu(g, x), -10, 10);
      case 'quick_gelu':
        return g.mul(x, g.unary('Sigmoid', g.mul(g.float(1.702), x)));
      case 'laplace': {
        // 0.5 · (1 + erf((x - μ) / (σ · √2)))
        const mu = 0.707107;
        const sigma = 0.282095;
        const scaled = g.div(g.sub(x, g.float(mu)), g.float(sigma * Math.SQRT2));
        return g.mul(g.float(0.5), g.add(g.float(1), g.unary('Erf', scaled)));
      }
      case 'relu':
        return g.unary('Relu', x);
      case 'relu2': {
        const positive = g.unary('Relu', x);
        return g.mul(positive, positive);
      }
      case 'relu6':
        return clip(g, x, 0, 6);
      case 'leaky_relu':
        return g.op('LeakyRelu', [x], { alpha: attribute.float(0.01) });
      case 'hardswish':
        // x · min(max(x + 3, 0), 6) / 6
        return g.div(g.mul(x, clip(g, g.add(x, g.float(3)), 0, 6)), g.float(6));
      case 'silu':
      case 'swish':
        return g.mul(x, g.unary('Sigmoid', x));
      case 'mish':
        return g.mul(x, g.unary('Tanh', g.unary('Softplus', x)));
      case 'sigmoid':
        return g.unary('Sigmoid', x);
      case 'tanh':
        return g.unary('Tanh', x);
      case 'linear':
        return x;
      default: {
        const unknown: never = activation;
        throw new Error(`unsupported hidden_act ${String(unknown)}`);
      }
    }
  });
}
