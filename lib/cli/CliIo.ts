import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors/TrustwatchError.js';

/** What a command may touch of the outside world; tests pass a fake. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads a file, or standard input for `-`. */
  readText(path: string): Promise<string>;
  writeText(path: string, text: string): Promise<void>;
  /**
   * Writes a file chunk by chunk, never holding it whole (large snapshots);
   * absent: callers join the chunks and use `writeText`.
   */
  writeChunks?(path: string, chunks: Iterable<string> | AsyncIterable<string>): Promise<void>;
  /** Appends to a file, creating it (a resumable run's journal). */
  appendText?(path: string, text: string): Promise<void>;
  /** Removes a file; no error when it does not exist. */
  removeFile?(path: string): Promise<void>;
  /** True when stdout is a terminal (colours, progress bars). */
  readonly isTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Current time; injected so tests are deterministic. */
  now(): Date;
}

/** Decompressed text is capped: a gzip bomb fails with one line instead of exhausting memory. */
const MAX_GUNZIPPED_BYTES = 1024 * 1024 * 1024;

/**
 * Bytes as UTF-8 text; gzip (CloudTrail's `.json.gz` log files, as delivered
 * to S3) is decompressed first.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes, { maxOutputLength: MAX_GUNZIPPED_BYTES }).toString('utf8');
    } catch (err) {
      const why =
        (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
          ? 'larger than 1 GiB once decompressed'
          : 'damaged or truncated';
      throw new InputError(`gzip-compressed and ${why}`, { cause: err });
    }
  }
  return bytes.toString('utf8');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return decodeText(Buffer.concat(chunks));
}

/**
 * A reader that stops early (`trustwatch explain … | head`) closes the pipe:
 * that is not an error, so end quietly instead of crashing on EPIPE.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

export function processIo(): CliIo {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readText: async (p) => (p === '-' ? readStdin() : decodeText(await readFile(p))),
    writeText: async (p, t) => {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(p, t, 'utf8');
    },
    writeChunks: async (p, chunks) => {
      const [{ createWriteStream }, { pipeline }, { Readable }] = await Promise.all([
        import('node:fs'),
        import('node:stream/promises'),
        import('node:stream'),
      ]);
      await pipeline(Readable.from(chunks), createWriteStream(p, 'utf8'));
    },
    appendText: async (p, t) => {
      const { appendFile } = await import('node:fs/promises');
      await appendFile(p, t, 'utf8');
    },
    removeFile: async (p) => {
      const { rm } = await import('node:fs/promises');
      await rm(p, { force: true });
    },
    isTty: Boolean(process.stdout.isTTY),
    env: process.env,
    now: () => new Date(),
  };
}

/** A command: takes its arguments (after the command name), returns the exit status. */
export type Command = (argv: readonly string[], io: CliIo) => Promise<number>;
