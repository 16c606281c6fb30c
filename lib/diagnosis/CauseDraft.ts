import type { Blocker } from '../engine/AssumeRoleEvaluation.js';
import type { ConditionTrace, StatementTrace } from '../engine/PolicyEvaluation.js';
import type { LabeledPolicy } from '../policy/PolicyDocument.js';
import type { CauseCode } from './causeCodes.js';
import type { EvidenceByCode } from './Diagnosis.js';
import type { SubjectDifference } from './githubSubject.js';

/**
 * What a cause's remedies need beyond its evidence, typed per code (a cause
 * code without an entry has none). Set by the rule that found the cause,
 * read by the same rule's remedies: nothing is re-parsed from text.
 */
export interface FactsByCode {
  ROLE_NOT_FOUND: { readonly suggestedArn?: string };
  TARGET_ACCOUNT_OUTSIDE_ORG: { readonly suggestedArn?: string };
  TRUST_PRINCIPAL_NOT_TRUSTED: {
    /** A principal ARN written without the caller's path. */
    readonly wrongArn?: string;
    /** The SAML provider to add to the statement that trusts SAML. */
    readonly addFederated?: { readonly providerArn: string; readonly statementIndex: number };
    /** A statement that trusts the caller for another action. */
    readonly wrongActionStatement?: number;
  };
  TRUST_PRINCIPAL_STALE_ID: { readonly staleId: string };
  OIDC_PROVIDER_NOT_TRUSTED: {
    readonly wrongActionStatement?: number;
    /** The IAM OIDC provider does not exist in the role's account. */
    readonly providerMissing?: boolean;
    readonly providerArn?: string;
    /** Roles that name the missing provider's ARN and let this token in once it exists. */
    readonly trustingRoles?: readonly string[];
  };
  OIDC_CLAIM_MISMATCH: {
    /** STS rejected the token's audience: the provider's client ids are the fix. */
    readonly audienceRejected?: { readonly audience: string; readonly providerArn: string };
    /**
     * The token's `sub` differs from the policy's pattern in a documented
     * GitHub way (lib/diagnosis/githubSubject.ts): the value the fix adds.
     */
    readonly subject?: {
      readonly suggestedValue: string;
      readonly difference: SubjectDifference['kind'];
    };
  };
  BOUNDARY_NO_ALLOW: {
    /**
     * Listed beside an untrusted same-account caller: the boundary is not
     * AWS's reason for this denial but still limits the trust fix (a grant
     * to the role ARN or the account), so AWS's plain message does not
     * demote it.
     */
    readonly limitsTrustFix?: boolean;
  };
}

type FactsOf<C extends CauseCode> = C extends keyof FactsByCode ? FactsByCode[C] : never;

/**
 * A cause before confidence and order are settled. `certainty` says where it
 * comes from: `yes` evaluated with every input known, `unknown` blocks only
 * if an unlogged input was wrong, `message` named by AWS's own error message,
 * `inferred` derived without an evaluation (e.g. what an unreadable account
 * could hold: always `possible`).
 */
export type CauseDraft = {
  readonly [C in CauseCode]: {
    readonly code: C;
    readonly certainty: 'yes' | 'unknown' | 'message' | 'inferred';
    readonly summary: string;
    readonly evidence: EvidenceByCode[C];
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
     * does not: there is nothing to patch.
     */
    readonly messageOnly?: true;
    readonly facts?: FactsOf<C>;
  };
}[CauseCode];

/** The draft of one code. */
export type DraftOf<C extends CauseCode> = Extract<CauseDraft, { readonly code: C }>;

/**
 * What a detector returns when it finds nothing: one shared empty list, so
 * the rules that do not apply to a blocker or situation allocate nothing.
 */
export const NO_CAUSES: readonly CauseDraft[] = Object.freeze([]);
