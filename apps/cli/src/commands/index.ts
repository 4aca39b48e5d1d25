import type { CliCommand } from '../cli-command.js';
import { configCommand } from './config.js';
import { fillMaskCommand } from './fill-mask.js';
import { verifyCommand } from './verify.js';
import { exportCommand } from './export.js';
import { tokenizeCommand } from './tokenize.js';
import { verifyTokenizerCommand } from './verify-tokenizer.js';
import { verifyTrainingCommand } from './verify-training.js';
import { trainCommand } from './train.js';

/**
 * Every `albert` command, in the order `albert --help` lists them. To add one: write
 * `src/commands/<name>.ts` exporting a `CliCommand`, then add one import and one entry here.
 */
export const commands: readonly CliCommand[] = [fillMaskCommand, configCommand, verifyCommand, exportCommand, tokenizeCommand, verifyTokenizerCommand, verifyTrainingCommand, trainCommand];
