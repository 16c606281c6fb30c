import { BLIND_SPOT_CODES, type BlindSpot, type BlindSpotCode } from '../../findings/BlindSpot.js';
import type { Readable } from '../../state/IamStateSource.js';
import type { ForwardRuleState, TrailState } from './BlindSpotReader.js';

export interface RegionObservation {
  readonly region: string;
  readonly rule: Readable<ForwardRuleState>;
  readonly trails: Readable<readonly TrailState[]>;
}

function spot(code: BlindSpotCode, accountId: string, region: string, summary: string): BlindSpot {
  return { code, severity: BLIND_SPOT_CODES[code], accountId, region, summary };
}

/**
 * Decides the blind spots of one account from what was read (pure).
 * - The forwarding rule must exist on the default bus of every enabled region
 *   (regional STS endpoints record in their own region) and be in state
 *   `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`: STS calls are read-only
 *   management events, which plain `ENABLED` rules do not receive.
 * - EventBridge only sees CloudTrail management events while a trail is
 *   logging them: some trail covering the region (its home region, a
 *   multi-region trail or an organization trail) must be logging and record
 *   read-only management events.
 */
export function evaluateBlindSpots(
  accountId: string,
  ruleName: string,
  observations: readonly RegionObservation[],
): BlindSpot[] {
  const out: BlindSpot[] = [];
  for (const o of observations) {
    const r = o.region;
    if (!o.rule.ok) {
      out.push(
        spot('UNREADABLE', accountId, r, `cannot check rule \`${ruleName}\`: ${o.rule.reason}`),
      );
    } else if (o.rule.value.state === null) {
      out.push(
        spot(
          'FORWARD_RULE_MISSING',
          accountId,
          r,
          `no rule \`${ruleName}\` on the default event bus: denials in ${r} are not forwarded`,
        ),
      );
    } else if (o.rule.value.state === 'DISABLED') {
      out.push(
        spot(
          'FORWARD_RULE_DISABLED',
          accountId,
          r,
          `rule \`${ruleName}\` is disabled: denials in ${r} are not forwarded`,
        ),
      );
    } else if (o.rule.value.state !== 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') {
      out.push(
        spot(
          'FORWARD_RULE_SKIPS_READ_ONLY_EVENTS',
          accountId,
          r,
          `rule \`${ruleName}\` is \`${o.rule.value.state}\`, not \`ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\`: read-only events such as sts:AssumeRole never reach it`,
        ),
      );
    }
    if (!o.trails.ok) {
      out.push(spot('UNREADABLE', accountId, r, `cannot check trails: ${o.trails.reason}`));
      continue;
    }
    const covering = o.trails.value.filter(
      (t) => t.homeRegion === r || t.isMultiRegion || t.isOrganizationTrail,
    );
    const good = covering.filter((t) => t.isLogging === true && t.readManagementEvents === true);
    if (good.length > 0) continue;
    const unsure = covering.filter(
      (t) => t.isLogging !== false && t.readManagementEvents !== false,
    );
    if (unsure.length > 0) {
      out.push(
        spot(
          'TRAIL_STATUS_UNKNOWN',
          accountId,
          r,
          `could not confirm that ${unsure.map((t) => `\`${t.name}\``).join(', ')} logs read-only management events in ${r}`,
        ),
      );
    } else {
      out.push(
        spot(
          'NO_TRAIL_LOGGING_MANAGEMENT_EVENTS',
          accountId,
          r,
          covering.length === 0
            ? `no CloudTrail trail covers ${r}: EventBridge receives no management events, so no denial is seen`
            : `no trail covering ${r} is logging read-only management events (${covering.map((t) => `\`${t.name}\``).join(', ')})`,
        ),
      );
    }
  }
  return out;
}
