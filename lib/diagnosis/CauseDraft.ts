import type { Blocker } from '../engine/AssumeRoleEvaluation.js';
import type { ConditionTrace, StatementTrace } from '../engine/PolicyEvaluation.js';
import type { LabeledPolicy } from '../policy/PolicyDocument.js';
import type { CauseCode } from './causeCodes.js';
import type { CauseEvidence } from './Diagnosis.js';

/**
 * A cause before confidence and order are settled. `certainty` says where it
 * comes from: `yes` evaluated with every input known, `unknown` blocks only
 * if an unlogged input was wrong, `message` named by AWS's own error message,
 * `inferred` derived without an evaluation (e.g. what an unreadable account
 * could hold: always `possible`).
 */
export interface CauseDraft {
  readonly code: CauseCode;
  readonly certainty: 'yes' | 'unknown' | 'message' | 'inferred';
  readonly summary: string;
  readonly evidence: CauseEvidence;
  /** The engine blocker behind it, when there is one. */
  readonly blocker?: Blocker;
  /** The policy and statement the fix patches. */
  readonly policy?: LabeledPolicy;
  readonly statement?: StatementTrace;
  readonly clause?: ConditionTrace;
  /** Demoted to `possible` (e.g. AWS's message points elsewhere). */
  readonly demoted?: boolean;
  /**
   * Known only from AWS's message although today's state could show it and
   * does not: there is nothing to patch (a fix would be a no-op that
   * verifies trivially).
   */
  readonly messageOnly?: true;
  /** Fix-specific facts (suggested ARN, unique id to replace, …). */
  readonly hint?: Readonly<Record<string, string>>;
}
