/** `node --import ./register-ts.mjs file.ts` on Node 20: installs ts-hooks.mjs. */
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
