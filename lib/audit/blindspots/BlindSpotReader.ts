import type { Readable } from '../../state/IamStateSource.js';

/** The forwarding rule trustwatch deploys in every member account (lib/deploy/member-account.yml). */
export const DEFAULT_FORWARD_RULE_NAME = 'trustwatch-forward-assume-role-denials';

/** What `events:DescribeRule` says of the forwarding rule on the default bus of one region. */
export interface ForwardRuleState {
  readonly region: string;
  /** `null`: no rule of that name on the default bus. */
  readonly state:
    | 'ENABLED'
    | 'DISABLED'
    | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'
    | string
    | null;
}

/** One trail that may record this account's events in a region. */
export interface TrailState {
  readonly arn: string;
  readonly name: string;
  readonly homeRegion: string;
  readonly isMultiRegion: boolean;
  readonly isOrganizationTrail: boolean;
  /** `GetTrailStatus.IsLogging`; `undefined` when the status could not be read. */
  readonly isLogging?: boolean;
  /**
   * Does it record read-only management events (STS AssumeRole is one)?
   * `undefined` when the selectors could not be read.
   */
  readonly readManagementEvents?: boolean;
}

/**
 * Reads what decides whether denials in an account and region reach
 * trustwatch. The live adapter (liveBlindSpotReader.ts) uses the reader role;
 * tests pass fakes. Never throws for "cannot read".
 */
export interface BlindSpotReader {
  forwardRule(
    accountId: string,
    region: string,
    ruleName: string,
  ): Promise<Readable<ForwardRuleState>>;
  /** Trails that apply to the region, organization trails and multi-region trails included. */
  trails(accountId: string, region: string): Promise<Readable<readonly TrailState[]>>;
}
