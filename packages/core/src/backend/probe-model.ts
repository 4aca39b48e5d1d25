import type { OnnxModel } from './backend.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import { encodeModel } from '../graph/onnx-proto.js';

/**
 * A tiny ONNX model (`y = x + x` on a float32 [2, 2] input) that backends load in
 * {@link Backend.probe} to check that a device really runs a session.
 */
export function buildProbeModel(): OnnxModel {
  const g = new GraphBuilder('albert-ts-probe');
  const x = g.input('x', 'float32', [2, 2]);
  g.output(g.add(x, x), 'y', 'float32', [2, 2]); // [2, 2]
  return { bytes: encodeModel(g.build({ producerVersion: '0.1.0' })), inputNames: ['x'], outputNames: ['y'] };
}
