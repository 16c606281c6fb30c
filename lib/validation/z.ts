import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * The one zod every trustwatch schema is written with: `zod/mini`, the
 * tree-shakable functional API, with English issue messages. Import it as a
 * namespace: `import * as z from './z.js'`.
 *
 * Why not classic `zod`: its schema objects carry every method, so a bundle
 * that builds a few schemas pulls in (and V8 compiles) all of zod, ~190 KB of
 * the explainDenial Lambda and ~35 ms of its cold import (measured by
 * test/bench/bundleBench.ts). `zod/mini` ships no locale by default, so the
 * English one is installed here, once, before any schema of ours parses.
 */
config(en());

export * from 'zod/mini';
