import type { Diagnosis } from '../diagnosis/Diagnosis.js';

/**
 * What the pipeline delivers. A `diagnosis` is the first occurrence of a
 * denial (or one that noise control let through); a `summary` closes a dedup
 * window that had repeats; a `security` alert replaces many `ROLE_NOT_FOUND`
 * diagnoses when one caller probes for role names.
 */
export type Alert = DiagnosisAlert | SummaryAlert | SecurityAlert;

export interface DiagnosisAlert {
  readonly kind: 'diagnosis';
  readonly diagnosis: Diagnosis;
}

export interface SummaryAlert {
  readonly kind: 'summary';
  /** The first diagnosis of the window (the one that was alerted). */
  readonly diagnosis: Diagnosis;
  /** Repeats counted after the first alert, within the window. */
  readonly repeats: number;
  /** ISO timestamps. */
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly fingerprint: string;
}

export interface SecurityAlert {
  readonly kind: 'security';
  readonly finding: 'ROLE_ENUMERATION';
  readonly callerPrincipal: string;
  readonly callerAccount?: string;
  /** Role ARNs (or names) that do not exist, as tried by the caller. */
  readonly rolesTried: readonly string[];
  readonly windowStart: string;
  readonly windowEnd: string;
  /** The diagnosis that crossed the threshold, for context. */
  readonly diagnosis: Diagnosis;
}

/** A repeat inside an open dedup window: counted, not alerted. */
export interface RepeatNotice {
  readonly diagnosis: Diagnosis;
  readonly fingerprint: string;
  /** ISO time the window ends (its summary is due then). */
  readonly windowEnd: string;
}

/** A delivery channel. `deliver` resolves once delivered and throws `DeliveryError` otherwise. */
export interface AlertSink {
  readonly name: string;
  deliver(alert: Alert, idempotencyKey: string): Promise<void>;
  /**
   * Told of each repeat, best effort (a failure is logged, never fails the
   * event): a sink that keeps Slack threads updates the first message's
   * counter and replies in its thread.
   */
  repeated?(notice: RepeatNotice): Promise<void>;
}
