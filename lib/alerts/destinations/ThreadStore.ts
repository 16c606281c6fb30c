/**
 * The Slack message a fingerprint's window posted to a `channel`
 * destination, so that repeats update it and reply in its thread instead of
 * posting again. One per destination and fingerprint; a new window's first
 * occurrence posts again and replaces it.
 */
export interface SlackThread {
  readonly destination: string;
  readonly fingerprint: string;
  readonly channel: string;
  readonly ts: string;
  /** The first message as posted (`text` and Block Kit JSON): updates re-send it with the counter. */
  readonly text: string;
  readonly blocks: string;
  /** Epoch seconds of the first occurrence. */
  readonly firstAt: number;
  /** Occurrences counted on it, the first included. */
  readonly count: number;
}

/** What one repeat may do: each window replies in the thread once; counter updates are spaced. */
export interface RepeatTurn {
  readonly thread: SlackThread;
  /** This repeat is the window's first: it replies in the thread. */
  readonly reply: boolean;
  /** The counter was last updated long enough ago: this repeat updates it. */
  readonly update: boolean;
}

export interface ThreadStore {
  /** Records the message a window's first occurrence posted (replacing the previous window's). */
  save(thread: SlackThread, now: number): Promise<void>;
  get(destination: string, fingerprint: string): Promise<SlackThread | null>;
  /**
   * Counts one repeat on the thread; `null` when there is none (the window's
   * first message went to another destination or has expired).
   */
  repeat(
    destination: string,
    fingerprint: string,
    now: number,
    minUpdateSeconds: number,
  ): Promise<RepeatTurn | null>;
}
