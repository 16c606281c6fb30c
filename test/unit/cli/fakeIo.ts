import { readFile } from 'node:fs/promises';
import { type CliIo, decodeText } from '../../../lib/cli/CliIo.js';

/** A CliIo that reads real files (or `stdin` text) and captures what is printed. */
export function fakeIo(opts: { stdin?: string; isTty?: boolean } = {}): CliIo & {
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => {
      out.push(t);
    },
    stderr: (t) => {
      err.push(t);
    },
    readText: async (p) => (p === '-' ? (opts.stdin ?? '') : decodeText(await readFile(p))),
    writeText: async () => {},
    isTty: opts.isTty ?? false,
    env: {},
    now: () => new Date('2026-11-24T00:00:00Z'),
  };
}
