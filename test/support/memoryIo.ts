import type { CliIo } from '../../lib/cli/CliIo.js';

/** A `CliIo` whose files live in a map and whose output is collected, for command tests. */
export interface MemoryIo extends CliIo {
  readonly files: Map<string, string>;
  out(): string;
  err(): string;
}

export function memoryIo(
  opts: {
    files?: Record<string, string>;
    isTty?: boolean;
    env?: Record<string, string | undefined>;
    now?: Date;
  } = {},
): MemoryIo {
  const files = new Map(Object.entries(opts.files ?? {}));
  let stdout = '';
  let stderr = '';
  return {
    files,
    out: () => stdout,
    err: () => stderr,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readText: async (p) => {
      const text = files.get(p);
      if (text === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), {
          code: 'ENOENT',
        });
      }
      return text;
    },
    writeText: async (p, t) => {
      files.set(p, t);
    },
    writeChunks: async (p, chunks) => {
      let text = '';
      for await (const c of chunks) text += c;
      files.set(p, text);
    },
    appendText: async (p, t) => {
      files.set(p, (files.get(p) ?? '') + t);
    },
    removeFile: async (p) => {
      files.delete(p);
    },
    isTty: opts.isTty ?? false,
    env: opts.env ?? process.env,
    now: () => opts.now ?? new Date('2026-11-20T09:00:00Z'),
  };
}
