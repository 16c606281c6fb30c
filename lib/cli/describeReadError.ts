/**
 * Why a file could not be read, in a few lower-case words for a one-line
 * error: `no such file`, `it is a directory`, `permission denied`, or Node's
 * own text without its `ENOENT:` code and `, open '…'` tail.
 */
export function describeReadError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  const message = err instanceof Error ? err.message : String(err);
  const first = (message.split(/\r?\n/)[0] ?? '')
    .replace(/^E[A-Z]+:\s*/, '')
    .replace(/,\s*\w+\s+'[^']*'$/, '')
    .trim();
  if (first === '') return 'unreadable';
  return first.charAt(0).toLowerCase() + first.slice(1);
}
