import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
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
  /** True when stdout is a terminal (colours). */
  readonly isTty: boolean;
  /** True when stderr is a terminal (progress lines); absent: as {@link isTty}. */
  readonly stderrIsTty?: boolean;
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
    // Loaded only for gzip input: node:zlib costs a noticeable part of the CLI's start-up.
    const { gunzipSync } = createRequire(import.meta.url)(
      'node:zlib',
    ) as typeof import('node:zlib');
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
      // Through a temporary file beside it, renamed at the end: a failed or
      // interrupted write never leaves a half-written file (or a truncated old one).
      const { writeFile, rename, rm } = await import('node:fs/promises');
      const temporary = `${p}.${process.pid}.tmp`;
      try {
        await writeFile(temporary, t, 'utf8');
        await rename(temporary, p);
      } catch (err) {
        await rm(temporary, { force: true });
        throw err;
      }
    },
    writeChunks: async (p, chunks) => {
      const [{ createWriteStream }, { pipeline }, { Readable }] = await Promise.all([
        import('node:fs'),
        import('node:stream/promises'),
        import('node:stream'),
      ]);
      // Streamed into a temporary file beside it, renamed at the end, like writeText.
      const { rename, rm } = await import('node:fs/promises');
      const temporary = `${p}.${process.pid}.tmp`;
      try {
        await pipeline(Readable.from(chunks), createWriteStream(temporary, 'utf8'));
        await rename(temporary, p);
      } catch (err) {
        await rm(temporary, { force: true });
        throw err;
      }
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
    stderrIsTty: Boolean(process.stderr.isTTY),
    env: process.env,
    now: () => new Date(),
  };
}

/** A command: takes its arguments (after the command name), returns the exit status. */
export type Command = (argv: readonly string[], io: CliIo) => Promise<number>;
