const SVG = 'http://www.w3.org/2000/svg';

/** Size of the plot and the margin left for the axis labels, in SVG user units. */
export interface LossPlotLayout {
  /** Width of the whole plot. */
  readonly width: number;
  /** Height of the whole plot. */
  readonly height: number;
  /** Margin on the left (the loss labels). */
  readonly left: number;
  /** Margin at the bottom (the step labels). */
  readonly bottom: number;
}

/** The layout of the fine-tune tab's plot. */
export const LOSS_PLOT_LAYOUT: LossPlotLayout = { width: 480, height: 200, left: 44, bottom: 22 };

/** The plot's geometry for a loss series: the polyline's points and the axis ranges. */
export interface LossPlotGeometry {
  /** `x,y x,y ...` for a `<polyline>` (empty for no losses). */
  readonly points: string;
  /** Highest loss shown (top of the plot). */
  readonly top: number;
  /** Lowest value shown (bottom of the plot): 0, or below it for negative losses. */
  readonly floor: number;
  /** Steps on the x axis (at least 1). */
  readonly steps: number;
}

/**
 * Maps per-step losses onto the plot: step 1 at the left edge, `steps` (at least the losses' count) at the right,
 * 0 at the bottom and the largest finite loss at the top. Non-finite losses are left out.
 */
export function lossPlotGeometry(
  losses: readonly number[],
  steps: number,
  layout: LossPlotLayout = LOSS_PLOT_LAYOUT,
): LossPlotGeometry {
  const finite = losses.filter((loss) => Number.isFinite(loss));
  const top = Math.max(...finite, 1e-6);
  const floor = Math.min(0, ...finite);
  const total = Math.max(steps, losses.length, 1);
  const plotWidth = layout.width - layout.left - 4;
  const plotHeight = layout.height - layout.bottom - 4;
  const points = losses
    .map((loss, index) => {
      if (!Number.isFinite(loss)) return '';
      const x = layout.left + (total === 1 ? 0 : (index / (total - 1)) * plotWidth);
      const y = 4 + ((top - loss) / (top - floor)) * plotHeight;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .filter((point) => point !== '')
    .join(' ');
  return { points, top, floor, steps: total };
}

function element<Name extends keyof SVGElementTagNameMap>(
  document: Document,
  name: Name,
  attributes: Readonly<Record<string, string | number>>,
  text?: string,
): SVGElementTagNameMap[Name] {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Draws the training loss per step into an `<svg>` (replacing what it held): the axes, the top and bottom
 * loss values, the step count, and the loss as a polyline. The series is also kept in `data-losses`.
 */
export function drawLossPlot(svg: SVGSVGElement, losses: readonly number[], steps: number): void {
  const document = svg.ownerDocument;
  const layout = LOSS_PLOT_LAYOUT;
  const geometry = lossPlotGeometry(losses, steps, layout);
  const bottom = layout.height - layout.bottom;
  svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
  svg.dataset.losses = losses.map((loss) => loss.toFixed(5)).join(' ');
  svg.replaceChildren(
    element(document, 'path', {
      d: `M${layout.left},4 V${bottom} H${layout.width - 4}`,
      fill: 'none',
      stroke: '#888',
    }),
    element(document, 'text', { x: layout.left - 4, y: 14, 'text-anchor': 'end' }, geometry.top.toFixed(2)),
    element(document, 'text', { x: layout.left - 4, y: bottom, 'text-anchor': 'end' }, geometry.floor.toFixed(2)),
    element(document, 'text', { x: layout.left, y: layout.height - 6 }, 'step 1'),
    element(
      document,
      'text',
      { x: layout.width - 4, y: layout.height - 6, 'text-anchor': 'end' },
      `step ${geometry.steps}`,
    ),
    element(document, 'polyline', {
      class: 'loss',
      points: geometry.points,
      fill: 'none',
      stroke: '#1565c0',
      'stroke-width': 2,
    }),
  );
}
