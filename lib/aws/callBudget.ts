import { AsyncLocalStorage } from 'node:async_hooks';
import { AwsReadError } from '../errors/TrustwatchError.js';

/**
 * A budget of AWS calls for one diagnosis: every operation a live source
 * sends while the diagnosis runs takes one call from it, and once it is spent
 * the next operation is not sent: the read fails with {@link CallBudgetSpent},
 * which the source reports as unreadable (`INSUFFICIENT_DATA` naming what
 * could not be read) instead of the diagnosis running into the Lambda's
 * timeout or IAM's throttling. Carried by `AsyncLocalStorage`, so concurrent
 * diagnoses sharing one source each have their own.
 */
export class CallBudget {
  #spent = 0;
  constructor(readonly limit: number) {}

  get spent(): number {
    return this.#spent;
  }

  /** Takes one call; throws {@link CallBudgetSpent} when none is left. */
  take(operation: string): void {
    if (this.#spent >= this.limit) throw new CallBudgetSpent(operation, this.limit);
    this.#spent += 1;
  }
}

/** An AWS operation not sent because the diagnosis's call budget was spent. */
export class CallBudgetSpent extends AwsReadError {
  override readonly name: string = 'CallBudgetSpent';
  constructor(
    readonly operation: string,
    readonly limit: number,
  ) {
    super(`\`${operation}\` not sent: this diagnosis's budget of ${limit} AWS calls is spent`, {
      context: { operation, limit },
    });
  }
}

/** AWS calls one diagnosis may make by default: the Lambda's `TRUSTWATCH_CALL_BUDGET` and the CLI's `--call-budget`. */
export const DEFAULT_CALL_BUDGET = 60;
/** The largest budget either accepts. */
export const MAX_CALL_BUDGET = 1000;

const storage = new AsyncLocalStorage<CallBudget | null>();

/** Runs `fn` with a fresh budget of `limit` AWS calls. */
export function withCallBudget<T>(limit: number, fn: () => Promise<T>): Promise<T> {
  return storage.run(new CallBudget(limit), fn);
}

/**
 * Runs `fn` outside any budget: for reads shared by every diagnosis of a
 * container (the organization's structure), which one diagnosis must not be
 * charged for nor cut short.
 */
export function withoutCallBudget<T>(fn: () => Promise<T>): Promise<T> {
  return storage.run(null, fn);
}

/** The budget of the diagnosis running now, if any. */
export function currentCallBudget(): CallBudget | undefined {
  return storage.getStore() ?? undefined;
}
