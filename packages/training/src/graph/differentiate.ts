import type { GraphValue, OnnxNodeProto } from '@albert-ts/core';
import { TrainingError } from '../training-error.js';
import type { GraphEditor } from './graph-editor.js';
import { GRADIENT_RULES, NON_DIFFERENTIABLE_OPERATORS } from './gradient-rules.js';
import { inferStaticShapes } from './static-shapes.js';

/** Options of {@link differentiate}. */
export interface DifferentiateOptions {
  /** The scalar value to differentiate (the loss). */
  readonly loss: GraphValue;
  /** The values to differentiate with respect to (graph inputs: the parameters), in output order. */
  readonly parameters: readonly GraphValue[];
  /** Graph output name of each parameter's gradient (default `grad.<parameter>`). */
  readonly gradientName?: (parameter: GraphValue) => string;
  /** Values treated as constants (PyTorch's `detach()`): no gradient flows through them. */
  readonly stopGradient?: ReadonlySet<GraphValue>;
  /**
   * Regions of forward nodes (node names) whose intermediates the backward pass recomputes instead of
   * keeping them from the forward pass (activation checkpointing, as `torch.utils.checkpoint` does for a
   * region): the backward pass re-emits a region's nodes from its inputs and differentiates through the
   * copies, so only the region's inputs and outputs stay alive between the passes. The copies compute the
   * same float32 values, so the gradients are the same numbers. Used for the activation function, whose
   * intermediates (`x³`, `tanh(…)`, `1 + tanh(…)` for `gelu_new`) are each as large as the feed-forward
   * layer's output.
   */
  readonly recompute?: readonly ReadonlySet<string>[];
}

/** What {@link differentiate} added. */
export interface DifferentiateResult {
  /** Gradient output name by parameter, for the parameters the loss reaches. */
  readonly gradients: ReadonlyMap<GraphValue, string>;
  /** Parameters the loss does not reach (no gradient, as PyTorch leaves their `.grad` at `None`). */
  readonly withoutGradient: readonly GraphValue[];
}

const FLOAT_CAST = 1;

function isDifferentiable(node: OnnxNodeProto): boolean {
  if (NON_DIFFERENTIABLE_OPERATORS.has(node.opType)) return false;
  if (node.opType === 'Cast') {
    const to = node.attributes['to'];
    return to?.kind === 'int' && to.value === FLOAT_CAST;
  }
  return true;
}

/**
 * Reverse-mode differentiation of an ONNX graph: appends the backward nodes of every node on a path
 * from a parameter to `loss` (each by its operator's rule in {@link GRADIENT_RULES}) and declares the
 * gradient of each reached parameter as a graph output. Contributions to one value (a weight shared by
 * several layers, a tied weight read twice) are summed, as PyTorch accumulates `.grad`.
 *
 * @throws {@link TrainingError} `TRAINING_UNSUPPORTED_OPERATOR` naming an operator without a rule.
 */
export function differentiate(editor: GraphEditor, options: DifferentiateOptions): DifferentiateResult {
  const shapes = inferStaticShapes(editor);
  const forward = [...editor.nodes];
  // values that depend on a parameter
  const requiresGrad = new Set<GraphValue>(options.parameters);
  for (const node of forward) {
    if (!isDifferentiable(node) || node.outputs.some((output) => options.stopGradient?.has(output) === true)) continue;
    if (node.inputs.some((input) => requiresGrad.has(input)))
      for (const output of node.outputs) requiresGrad.add(output);
  }
  // values the loss depends on
  const reachesLoss = new Set<GraphValue>([options.loss]);
  for (let index = forward.length - 1; index >= 0; index -= 1) {
    const node = forward[index] as OnnxNodeProto;
    if (node.outputs.some((output) => reachesLoss.has(output))) for (const input of node.inputs) reachesLoss.add(input);
  }

  const contributions = new Map<GraphValue, GraphValue[]>();
  const addContribution = (value: GraphValue, grad: GraphValue): void => {
    const list = contributions.get(value);
    if (list === undefined) contributions.set(value, [grad]);
    else list.push(grad);
  };
  const gradientOf = (value: GraphValue): GraphValue | undefined => {
    const list = contributions.get(value);
    if (list === undefined || list.length === 0) return undefined;
    let sum = list[0] as GraphValue;
    for (let index = 1; index < list.length; index += 1) sum = editor.add(sum, list[index] as GraphValue);
    contributions.set(value, [sum]);
    return sum;
  };

  // recomputed regions: the copy of each region's node (renamed values), emitted on first use
  const regionOf = new Map<string, ReadonlySet<string>>();
  for (const region of options.recompute ?? []) for (const name of region) regionOf.set(name, region);
  const recomputed = new Map<ReadonlySet<string>, Map<GraphValue, GraphValue>>();
  const producer = new Map<GraphValue, string>();
  for (const node of forward) for (const output of node.outputs) producer.set(output, node.name);
  const producedIn = (region: ReadonlySet<string>, value: GraphValue): boolean => region.has(producer.get(value) ?? '');
  const recomputedNode = (node: OnnxNodeProto): OnnxNodeProto => {
    const region = regionOf.get(node.name);
    if (region === undefined) return node;
    let renamed = recomputed.get(region);
    if (renamed === undefined) {
      const copies = new Map<GraphValue, GraphValue>();
      // a node whose outputs are all read outside the region (its result) is kept, not recomputed
      const readOutside = new Set<GraphValue>(editor.outputs.map((output) => output.name));
      for (const other of forward)
        if (!region.has(other.name)) for (const input of other.inputs) readOutside.add(input);
      editor.within('recompute', () => {
        // The copies read the region's inputs through `Reshape(v, Shape(v))` (the same values, no copy):
        // copies of nodes with the very inputs of the originals would be merged back into them by the
        // runtime's common-subexpression elimination, which keeps the originals alive again.
        const initializers = new Set(editor.initializers.map((tensor) => tensor.name));
        for (const original of forward) {
          if (!region.has(original.name)) continue;
          for (const input of original.inputs) {
            if (input === '' || copies.has(input) || initializers.has(input) || producedIn(region, input)) continue;
            copies.set(input, editor.reshape(input, editor.shape(input)));
          }
        }
        for (const original of forward) {
          if (!region.has(original.name) || original.outputs.every((output) => readOutside.has(output))) continue;
          const outputs = editor.opWithOutputs(
            original.opType,
            original.inputs.map((input) => copies.get(input) ?? input),
            original.outputs.length,
            original.attributes,
          );
          original.outputs.forEach((output, index) => copies.set(output, outputs[index] as GraphValue));
        }
      });
      for (const [original, copy] of copies) {
        const shape = shapes.get(original);
        if (shape !== undefined) shapes.set(copy, shape);
      }
      renamed = copies;
      recomputed.set(region, renamed);
    }
    const rename = (value: GraphValue): GraphValue => renamed.get(value) ?? value;
    return { ...node, inputs: node.inputs.map(rename), outputs: node.outputs.map(rename) };
  };

  editor.within('backward', () => {
    addContribution(options.loss, editor.float(1));
    for (let index = forward.length - 1; index >= 0; index -= 1) {
      const node = forward[index] as OnnxNodeProto;
      if (!isDifferentiable(node)) continue;
      const needed = node.inputs.map((input) => input !== '' && requiresGrad.has(input) && reachesLoss.has(input));
      if (!needed.some(Boolean)) continue;
      const dy = gradientOf(node.outputs[0] as GraphValue);
      if (dy === undefined) continue;
      if (node.outputs.slice(1).some((output) => contributions.has(output))) {
        throw new TrainingError(
          'TRAINING_UNSUPPORTED_OPERATOR',
          `${node.opType} backward differentiates output 0 only (node ${node.name})`,
          { operator: node.opType, node: node.name },
        );
      }
      const rule = GRADIENT_RULES[node.opType];
      if (rule === undefined) {
        throw new TrainingError(
          'TRAINING_UNSUPPORTED_OPERATOR',
          `no backward rule for ${node.opType} (node ${node.name}) on the path from a parameter to the loss`,
          { operator: node.opType, node: node.name },
        );
      }
      const grads = editor.within(node.name, () =>
        rule({
          e: editor,
          node: recomputedNode(node),
          dy,
          needs: (input) => needed[input] === true,
          shape: (value) => {
            const shape = shapes.get(value);
            if (shape === undefined)
              throw new TrainingError(
                'TRAINING_UNSUPPORTED_OPERATOR',
                `no static shape for ${value} (node ${node.name})`,
                { node: node.name, value },
              );
            return shape;
          },
        }),
      );
      grads.forEach((grad, input) => {
        if (grad !== undefined && needed[input] === true) addContribution(node.inputs[input] as GraphValue, grad);
      });
    }
  });

  const gradients = new Map<GraphValue, string>();
  const withoutGradient: GraphValue[] = [];
  const nameOf = options.gradientName ?? ((parameter: GraphValue) => `grad.${parameter}`);
  for (const parameter of options.parameters) {
    const grad = gradientOf(parameter);
    if (grad === undefined) {
      withoutGradient.push(parameter);
      continue;
    }
    const name = nameOf(parameter);
    editor.output(grad, name);
    gradients.set(parameter, name);
  }
  return { gradients, withoutGradient };
}
