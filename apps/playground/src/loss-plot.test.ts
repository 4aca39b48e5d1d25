import { describe, expect, it } from 'vitest';
import { LOSS_PLOT_LAYOUT, lossPlotGeometry } from './loss-plot.js';

describe('lossPlotGeometry', () => {
  it('puts step 1 at the left, the last step at the right, 0 at the bottom and the highest loss at the top', () => {
    const { width, height, left, bottom } = LOSS_PLOT_LAYOUT;
    const geometry = lossPlotGeometry([2, 1, 0], 3);
    expect(geometry.top).toBe(2);
    expect(geometry.floor).toBe(0);
    expect(geometry.points).toBe(
      `${left.toFixed(1)},4.0 ${((left + width - 4) / 2).toFixed(1)},${(4 + (height - bottom - 4) / 2).toFixed(1)} ${(width - 4).toFixed(1)},${(height - bottom).toFixed(1)}`,
    );
  });

  it('leaves room for the steps still to come and leaves out non-finite losses', () => {
    const geometry = lossPlotGeometry([1, Number.NaN, 0.5], 10);
    expect(geometry.steps).toBe(10);
    expect(geometry.points.split(' ')).toHaveLength(2);
  });

  it('draws nothing for no losses', () => {
    expect(lossPlotGeometry([], 0)).toEqual({ points: '', top: 1e-6, floor: 0, steps: 1 });
  });
});
