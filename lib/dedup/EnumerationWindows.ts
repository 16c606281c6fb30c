/** Role-enumeration windows: the non-existent roles one caller tried, per window. Times are epoch seconds. */
export interface EnumerationState {
  readonly caller: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly roles: readonly string[];
  readonly alertedBy?: string;
}

export interface EnumerationWindows {
  /** Adds a non-existent role tried by a caller to the caller's current enumeration window. */
  recordMissingRole(
    caller: string,
    role: string,
    now: number,
    windowSeconds: number,
  ): Promise<EnumerationState>;
  /** True when this event may send the enumeration alert of the window (first claimer, or a retry of it). */
  claimEnumerationAlert(
    caller: string,
    windowEnd: number,
    eventId: string,
    now: number,
  ): Promise<boolean>;
}
