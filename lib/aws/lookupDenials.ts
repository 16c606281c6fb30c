import { ListRegionsCommand } from '@aws-sdk/client-account';
import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ASSUME_ROLE_EVENT_NAMES } from '../intake/DenialEvent.js';
import { describeAwsError } from './awsErrors.js';
import type { TrailClientFactory } from './trailClients.js';

/**
 * Spaces calls at least `intervalMs` apart (CloudTrail allows LookupEvents
 * 2 requests per second per account and region).
 */
export class RateLimiter {
  #next = 0;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    intervalMs: number,
    now: () => number = Date.now,
    sleep: (ms: number) => Promise<void> = defaultSleep,
  ) {
    this.#intervalMs = intervalMs;
    this.#now = now;
    this.#sleep = sleep;
  }

  /** Resolves when the next call may go. */
  async take(): Promise<void> {
    const now = this.#now();
    const at = Math.max(now, this.#next);
    this.#next = at + this.#intervalMs;
    if (at > now) await this.#sleep(at - now);
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** LookupEvents: 2 requests per second per region. */
export const LOOKUP_EVENTS_INTERVAL_MS = 500;

export interface LookedUpRecord {
  readonly region: string;
  readonly eventId: string;
  /** The parsed `CloudTrailEvent` JSON. */
  readonly record: unknown;
}

export interface LookupResult {
  readonly records: readonly LookedUpRecord[];
  /** Regions (or region/event-name pairs) that could not be read. */
  readonly failures: readonly { readonly region: string; readonly reason: string }[];
  readonly calls: number;
}

export interface LookupOptions {
  readonly regions: readonly string[];
  readonly since: Date;
  readonly until: Date;
  /** Minimum spacing of LookupEvents calls per region (default 500 ms). */
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called after each page. */
  readonly onPage?: (region: string, records: number) => void;
}

/**
 * Every AssumeRole / AssumeRoleWithWebIdentity / AssumeRoleWithSAML event of
 * the last days in every region asked, all pages, regions in parallel and
 * each region rate-limited. LookupEvents takes one attribute per call, so it
 * is asked once per event name. A record seen in two regions is kept once.
 */
export async function lookupAssumeRoleEvents(
  clients: TrailClientFactory,
  opts: LookupOptions,
): Promise<LookupResult> {
  const records = new Map<string, LookedUpRecord>();
  const failures: { region: string; reason: string }[] = [];
  let calls = 0;
  await Promise.all(
    opts.regions.map(async (region) => {
      const client: CloudTrailClient = clients.cloudTrail(region);
      const limiter = new RateLimiter(
        opts.intervalMs ?? LOOKUP_EVENTS_INTERVAL_MS,
        opts.now,
        opts.sleep,
      );
      for (const eventName of ASSUME_ROLE_EVENT_NAMES) {
        let token: string | undefined;
        try {
          do {
            await limiter.take();
            calls += 1;
            const page = await client.send(
              new LookupEventsCommand({
                LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
                StartTime: opts.since,
                EndTime: opts.until,
                MaxResults: 50,
                ...(token === undefined ? {} : { NextToken: token }),
              }),
            );
            let n = 0;
            for (const e of page.Events ?? []) {
              if (e.CloudTrailEvent === undefined) continue;
              let record: unknown;
              try {
                record = JSON.parse(e.CloudTrailEvent);
              } catch {
                failures.push({
                  region,
                  reason: `event \`${e.EventId ?? '?'}\` has a CloudTrailEvent that is not json`,
                });
                continue;
              }
              const id =
                e.EventId ??
                (record as { eventID?: string }).eventID ??
                `${region}-${records.size}`;
              if (!records.has(id)) records.set(id, { region, eventId: id, record });
              n += 1;
            }
            opts.onPage?.(region, n);
            token = page.NextToken;
          } while (token !== undefined && token !== '');
        } catch (err) {
          failures.push({
            region,
            reason: `cloudtrail:LookupEvents (${eventName}) failed: ${describeAwsError(err)}`,
          });
        }
      }
    }),
  );
  return { records: [...records.values()], failures, calls };
}

/** Regions enabled for the account (Account ListRegions), sorted. */
export async function enabledRegions(clients: TrailClientFactory): Promise<string[]> {
  const client = clients.account();
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListRegionsCommand({
        RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'],
        ...(token === undefined ? {} : { NextToken: token }),
      }),
    );
    for (const r of page.Regions ?? []) if (r.RegionName !== undefined) out.push(r.RegionName);
    token = page.NextToken;
  } while (token !== undefined && token !== '');
  return out.sort();
}
