/** Why denials from an account and region may never reach trustwatch. */
export const BLIND_SPOT_CODES = {
  FORWARD_RULE_MISSING: 'high',
  FORWARD_RULE_DISABLED: 'high',
  FORWARD_RULE_SKIPS_READ_ONLY_EVENTS: 'high',
  NO_TRAIL_LOGGING_MANAGEMENT_EVENTS: 'high',
  TRAIL_STATUS_UNKNOWN: 'low',
  UNREADABLE: 'medium',
} as const;

export type BlindSpotCode = keyof typeof BLIND_SPOT_CODES;

export interface BlindSpot {
  readonly code: BlindSpotCode;
  readonly severity: (typeof BLIND_SPOT_CODES)[BlindSpotCode];
  readonly accountId: string;
  readonly region: string;
  readonly summary: string;
}
