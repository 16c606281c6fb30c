import {
  type AdvancedEventSelector,
  CloudTrailClient,
  DescribeTrailsCommand,
  type EventSelector,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { AwsCredentialIdentity } from '@smithy/types';
import { describeAwsError, isNotFound } from '../../aws/awsErrors.js';
import { type CallCounter, countCalls } from '../../aws/clients.js';
import type { Readable } from '../../state/IamStateSource.js';
import type { BlindSpotReader, ForwardRuleState, TrailState } from './BlindSpotReader.js';

export interface LiveBlindSpotReaderOptions {
  /** Reader-role credentials of an account (LiveStateSource.readerCredentials). */
  readonly credentials: (accountId: string) => Promise<Readable<AwsCredentialIdentity>>;
  readonly counter?: CallCounter;
}

/** Does a trail's selector set record read-only management events? */
export function recordsReadManagementEvents(
  basic: readonly EventSelector[] | undefined,
  advanced: readonly AdvancedEventSelector[] | undefined,
): boolean {
  if (advanced !== undefined && advanced.length > 0) {
    return advanced.some((sel) => {
      const fields = sel.FieldSelectors ?? [];
      const category = fields.find((f) => f.Field === 'eventCategory');
      if (!(category?.Equals ?? []).includes('Management')) return false;
      const readOnly = fields.find((f) => f.Field === 'readOnly');
      return !(readOnly?.Equals ?? []).includes('false');
    });
  }
  // A trail with no selectors at all records all management events (CloudTrail's default).
  if (basic === undefined || basic.length === 0) return true;
  return basic.some(
    (s) => s.IncludeManagementEvents !== false && (s.ReadWriteType ?? 'All') !== 'WriteOnly',
  );
}

function fail<T>(reason: string, accountId: string): Readable<T> {
  return { ok: false, reason, accountId };
}

/**
 * Blind-spot reads through the trustwatch reader role of each account:
 * `events:DescribeRule` on the default bus, `cloudtrail:DescribeTrails` (with
 * shadow trails, so organization and multi-region trails are listed),
 * `GetTrailStatus` and `GetEventSelectors` by trail ARN in the trail's home
 * region (member accounts may read an organization trail by its ARN).
 */
export function liveBlindSpotReader(opts: LiveBlindSpotReaderOptions): BlindSpotReader {
  const count = <C>(c: C): C => (opts.counter === undefined ? c : countCalls(c, opts.counter));
  const creds = async (accountId: string) => opts.credentials(accountId);
  return {
    async forwardRule(accountId, region, ruleName): Promise<Readable<ForwardRuleState>> {
      const c = await creds(accountId);
      if (!c.ok) return fail(c.reason, accountId);
      const eb = count(new EventBridgeClient({ region, credentials: c.value }));
      try {
        const out = await eb.send(
          new DescribeRuleCommand({ Name: ruleName, EventBusName: 'default' }),
        );
        return { ok: true, value: { region, state: out.State ?? 'ENABLED' } };
      } catch (err) {
        if (isNotFound(err) || (err as { name?: string }).name === 'ResourceNotFoundException')
          return { ok: true, value: { region, state: null } };
        return fail(
          `\`events:DescribeRule\` failed in ${region}: ${describeAwsError(err)}`,
          accountId,
        );
      } finally {
        eb.destroy();
      }
    },
    async trails(accountId, region): Promise<Readable<readonly TrailState[]>> {
      const c = await creds(accountId);
      if (!c.ok) return fail(c.reason, accountId);
      const clients = new Map<string, CloudTrailClient>();
      const client = (r: string): CloudTrailClient => {
        let ct = clients.get(r);
        if (ct === undefined) {
          ct = count(new CloudTrailClient({ region: r, credentials: c.value }));
          clients.set(r, ct);
        }
        return ct;
      };
      try {
        const list = await client(region).send(
          new DescribeTrailsCommand({ includeShadowTrails: true }),
        );
        const trails = await Promise.all(
          (list.trailList ?? []).map(async (t): Promise<TrailState> => {
            const arn = t.TrailARN ?? t.Name ?? '';
            const home = t.HomeRegion ?? region;
            let isLogging: boolean | undefined;
            let readManagementEvents: boolean | undefined;
            try {
              isLogging = (await client(home).send(new GetTrailStatusCommand({ Name: arn })))
                .IsLogging;
            } catch {
              isLogging = undefined;
            }
            try {
              const sel = await client(home).send(new GetEventSelectorsCommand({ TrailName: arn }));
              readManagementEvents = recordsReadManagementEvents(
                sel.EventSelectors,
                sel.AdvancedEventSelectors,
              );
            } catch {
              readManagementEvents = undefined;
            }
            return {
              arn,
              name: t.Name ?? arn,
              homeRegion: home,
              isMultiRegion: t.IsMultiRegionTrail === true,
              isOrganizationTrail: t.IsOrganizationTrail === true,
              ...(isLogging === undefined ? {} : { isLogging }),
              ...(readManagementEvents === undefined ? {} : { readManagementEvents }),
            };
          }),
        );
        return { ok: true, value: trails };
      } catch (err) {
        return fail(
          `\`cloudtrail:DescribeTrails\` failed in ${region}: ${describeAwsError(err)}`,
          accountId,
        );
      } finally {
        for (const ct of clients.values()) ct.destroy();
      }
    },
  };
}
