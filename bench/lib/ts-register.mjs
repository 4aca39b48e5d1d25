// `node --import ./bench/lib/ts-register.mjs …` makes @albert-ts/* resolve to their TypeScript sources.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
