/**
 * A lazy value read once and shared (a secret, a state source, once per cold
 * start); a failed read is not kept, so the next caller tries again.
 */
export function memoizeUntilRejected<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending === undefined) {
      pending = read();
      pending.catch(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}
