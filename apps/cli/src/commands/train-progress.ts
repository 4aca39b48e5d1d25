import type { CliContext } from '../cli-context.js';
import { formatDuration, ProgressBar } from '../progress-bar.js';

/** One event of `albert train` (what `--json` prints, one object per line). */
export type TrainEvent =
  | {
      readonly event: 'step';
      readonly epoch: number;
      readonly step: number;
      readonly totalSteps: number;
      readonly loss: number;
      readonly learningRate: number;
      readonly gradNorm: number;
      readonly examplesPerSecond: number;
    }
  | {
      readonly event: 'evaluation';
      readonly epoch: number;
      readonly step: number;
      readonly loss: number;
      readonly metrics: Readonly<Record<string, number>>;
    }
  | { readonly event: 'save'; readonly step: number; readonly path: string }
  | {
      readonly event: 'done';
      readonly out: string;
      readonly steps: number;
      readonly labels: readonly string[];
    };

/** A progress bar of optimizer steps: `[██░░]  40%  step 4/10  loss 0.6931  lr 2.0e-05  12.3 ex/s  ETA 0:05`. */
class StepProgressBar extends ProgressBar {
  /** The text after the step count. */
  status = '';

  override render(loaded: number, total: number | null, speed: number | null): string {
    const width = Math.max(20, 79);
    const known = total !== null && total > 0;
    const fraction = known ? Math.min(1, loaded / total) : 0;
    const eta = known && speed !== null && speed > 0 ? (total - loaded) / speed : null;
    const tail = `${String(Math.floor(fraction * 100)).padStart(3)}%  step ${loaded}/${total ?? '?'}  ${this.status}  ETA ${formatDuration(eta)}`;
    const cells = Math.max(0, Math.min(30, width - tail.length - 4));
    const filled = Math.round(fraction * cells);
    return cells < 5 ? tail : `[${'█'.repeat(filled)}${'░'.repeat(cells - filled)}]  ${tail}`;
  }
}

const formatMetrics = (metrics: Readonly<Record<string, number>>): string =>
  Object.entries(metrics)
    .map(([name, value]) => `${name} ${Number.isFinite(value) ? value.toFixed(4) : String(value)}`)
    .join('  ');

/**
 * Reports the events of a training run: with `--json`, one JSON object per event on stdout; otherwise a
 * progress bar on stderr when it is a terminal, a summary line per epoch, one per evaluation and one per
 * saved checkpoint on stderr.
 */
export class TrainProgress {
  private readonly bar: StepProgressBar;
  private epochLoss = 0;
  private epochSteps = 0;
  private lastStep: Extract<TrainEvent, { event: 'step' }> | undefined;

  /**
   * @param context - the command's context.
   * @param json - `--json` was given.
   * @param epochs - the number of epochs (for the summary lines).
   */
  constructor(
    private readonly context: CliContext,
    private readonly json: boolean,
    private readonly epochs: number,
  ) {
    this.bar = new StepProgressBar({ stream: context.stderr, json, label: 'train' });
  }

  /** Reports one event. */
  report(event: TrainEvent): void {
    if (this.json) {
      this.context.stdout.write(`${JSON.stringify(event)}\n`);
      return;
    }
    const line = (text: string): void => {
      this.bar.clear();
      this.context.stderr.write(`${text}\n`);
    };
    switch (event.event) {
      case 'step':
        this.epochLoss += event.loss;
        this.epochSteps += 1;
        this.lastStep = event;
        this.bar.status = `loss ${event.loss.toFixed(4)}  lr ${event.learningRate.toExponential(1)}  ${event.examplesPerSecond.toFixed(1)} ex/s`;
        this.bar.update(event.step, event.totalSteps);
        break;
      case 'evaluation':
        line(
          [
            `eval  epoch ${event.epoch + 1}`,
            `step ${event.step}`,
            `loss ${event.loss.toFixed(4)}`,
            formatMetrics(event.metrics),
          ]
            .filter((part) => part !== '')
            .join('  '),
        );
        break;
      case 'save':
        line(`saved ${event.path} (step ${event.step})`);
        break;
      case 'done':
        this.bar.finish(`trained ${event.steps} steps`);
        this.context.stdout.write(`saved the trained model to ${event.out} (${event.steps} steps)\n`);
        break;
    }
  }

  /** Ends an epoch: prints its mean training loss. */
  endEpoch(epoch: number): void {
    if (this.json || this.lastStep === undefined || this.epochSteps === 0) return;
    const step = this.lastStep;
    this.bar.clear();
    this.context.stderr.write(
      `epoch ${epoch + 1}/${this.epochs}  step ${step.step}/${step.totalSteps}  loss ${(this.epochLoss / this.epochSteps).toFixed(4)}  lr ${step.learningRate.toExponential(2)}  ${step.examplesPerSecond.toFixed(1)} ex/s\n`,
    );
    this.epochLoss = 0;
    this.epochSteps = 0;
  }
}
