export * from './arguments.js';
export * from './cli-command.js';
export * from './cli-context.js';
export * from './default-model.js';
export * from './read-config-file.js';
export * from './run-cli.js';
export * from './usage-error.js';
export { commands } from './commands/index.js';
