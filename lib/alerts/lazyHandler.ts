import type { Context } from 'aws-lambda';
import { memoizeUntilRejected } from './destinations/memoizeUntilRejected.js';

/**
 * A handler whose dependencies (and the validation of its environment) are
 * built at the first invocation, not at cold import, and then reused by the
 * warm container. A build that fails is not kept: that invocation fails with
 * its error and the next one builds again.
 */
export function lazyHandler<D, E, R>(
  deps: () => Promise<D>,
  create: (deps: D) => (event: E, context: Context) => Promise<R>,
): (event: E, context: Context) => Promise<R> {
  const inner = memoizeUntilRejected(async () => create(await deps()));
  return async (event, context) => (await inner())(event, context);
}
