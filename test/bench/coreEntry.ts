/**
 * What the core benchmark (test/bench/coreBench.ts) runs, bundled at bench
 * time with the package build's esbuild options: the code a user's
 * `trustwatch explain` runs is a bundle (dist/cli.js), not lib/ through tsx,
 * whose per-module loader and `__name` wrappers would be measured too.
 */
export { DiagnosisMemo } from '../../lib/explain/DiagnosisMemo.js';
export { explainAll, explainEvent } from '../../lib/explain/explainEvent.js';
export { memoizeSource } from '../../lib/explain/memoizeSource.js';
export { readInput } from '../../lib/intake/readInput.js';
export { renderJson } from '../../lib/render/renderJson.js';
export { renderText } from '../../lib/render/renderText.js';
export { loadSnapshot } from '../../lib/snapshot/loadSnapshot.js';
export { SnapshotStateSource } from '../../lib/state/SnapshotStateSource.js';
