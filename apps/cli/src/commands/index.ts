import type { CliCommand } from '../cli-command.js';
import { configCommand } from './config.js';
import { fillMaskCommand } from './fill-mask.js';
import { verifyCommand } from './verify.js';
import { exportCommand } from './export.js';
import { tokenizeCommand } from './tokenize.js';
import { verifyTokenizerCommand } from './verify-tokenizer.js';
import { classifyCommand } from './classify.js';
import { nerCommand } from './ner.js';
import { qaCommand } from './qa.js';
import { embedCommand } from './embed.js';
import { zeroShotCommand } from './zero-shot.js';
import { chooseCommand } from './choose.js';
import { sentenceOrderCommand } from './sentence-order.js';
import { verifyPipelinesCommand } from './verify-pipelines.js';
import { verifyTrainingCommand } from './verify-training.js';
import { trainCommand } from './train.js';

/**
 * Every `albert` command, in the order `albert --help` lists them. To add one: write
 * `src/commands/<name>.ts` exporting a `CliCommand`, then add one import and one entry here.
 */
export const commands: readonly CliCommand[] = [
  fillMaskCommand,
  classifyCommand,
  nerCommand,
  qaCommand,
  embedCommand,
  zeroShotCommand,
  chooseCommand,
  sentenceOrderCommand,
  configCommand,
  verifyCommand,
  verifyPipelinesCommand,
  exportCommand,
  tokenizeCommand,
  verifyTokenizerCommand,
  verifyTrainingCommand,
  trainCommand,
];
