import type { DenialEvent } from '../intake/DenialEvent.js';
import type { CauseDraft } from './CauseDraft.js';
import { CAUSE_CODE_LIST, CAUSE_CODES, type CauseCode, type Confidence } from './causeCodes.js';
import * as prose from './causeProse.js';
import { bundleGapDrafts } from './causes/unreadableInputs.js';
import { reconcileMessage } from './reconcileMessage.js';
import type { Situation } from './Situation.js';

/** A cause that blocks only if the unlogged request set session tags or a source identity. */
export function isSpeculative(d: CauseDraft, mainAction: string): boolean {
  return d.certainty === 'unknown' && d.blocker !== undefined && d.blocker.action !== mainAction;
}

/** Is every draft speculative (and there is one)? */
function allSpeculative(drafts: readonly CauseDraft[], mainAction: string): boolean {
  for (let i = 0; i < drafts.length; i++) if (!isSpeculative(drafts[i]!, mainAction)) return false;
  return drafts.length > 0;
}

/**
 * Speculative causes (a session action such as `sts:TagSession` that blocks
 * only if the unlogged request used it) are kept only when nothing else
 * explains the denial, and then only on the trust side, which AWS checks
 * for them first. `drafts` itself when none is speculative.
 */
function dropSpeculative(drafts: readonly CauseDraft[], mainAction: string): readonly CauseDraft[] {
  let speculative = 0;
  for (let i = 0; i < drafts.length; i++) if (isSpeculative(drafts[i]!, mainAction)) speculative++;
  if (speculative === 0) return drafts;
  if (speculative < drafts.length) return drafts.filter((d) => !isSpeculative(d, mainAction));
  const trustSide = drafts.filter((d) => CAUSE_CODES[d.code] === 'trust');
  return trustSide.length > 0 ? trustSide : drafts;
}

/** The evidence of a NO_CAUSE_FOUND: the role it is about, when known. */
function roleEvidence(targetArn: string | undefined): { roleArn?: string } {
  return targetArn === undefined ? {} : { roleArn: targetArn };
}

/**
 * Folds AWS's message into the causes the rules found, drops speculative
 * ones when something else explains the denial, and says so when nothing
 * does (`NO_CAUSE_FOUND`). `found` itself when nothing changes.
 */
export function closeCauses(s: Situation, found: readonly CauseDraft[]): readonly CauseDraft[] {
  const { event, bundle, targetArn } = s;
  let drafts = s.ruledOut ? found : reconcileMessage(event, found, s);
  if (s.evaluated !== undefined) {
    const action = s.evaluated.inputs.context.action;
    drafts = dropSpeculative(drafts, action);
    if (allSpeculative(drafts, action)) {
      const named = event.errorMessage.action?.toLowerCase();
      if (
        named !== undefined &&
        named !== action.toLowerCase() &&
        drafts.every((d) => d.blocker?.action.toLowerCase() !== named)
      ) {
        // AWS's message names the session action that failed, and today it is
        // allowed: the denial was fixed since. Another session action the
        // request may also have needed stays a possibility.
        drafts = [
          {
            code: 'NO_CAUSE_FOUND',
            certainty: 'unknown',
            summary: prose.sessionActionAllowedToday(event.errorMessage.action),
            evidence: roleEvidence(targetArn),
          },
          ...drafts.map((d) => ({ ...d, certainty: 'inferred' as const }) as CauseDraft),
        ];
      } else {
        drafts = [
          ...drafts,
          {
            code: 'NO_CAUSE_FOUND',
            certainty: 'inferred',
            summary: prose.allowedUnlessSessionParameters(),
            evidence: roleEvidence(targetArn),
          },
        ];
      }
    }
  }
  if (bundle.gaps !== undefined) drafts = [...drafts, ...bundleGapDrafts(bundle)];
  if (drafts.length === 0) {
    return [
      {
        code: 'NO_CAUSE_FOUND',
        certainty: 'yes',
        summary: prose.allowedToday(event),
        evidence: roleEvidence(targetArn),
      },
    ];
  }
  return drafts;
}

const RANK: Record<Confidence, number> = { confirmed: 0, likely: 1, possible: 2 };

/** Each code's place in the public list (the last tie-breaker of the order). */
const CODE_RANK = Object.fromEntries(CAUSE_CODE_LIST.map((c, i) => [c, i])) as Record<
  CauseCode,
  number
>;

/** A cause with its confidence settled. */
export type Settled = { readonly draft: CauseDraft; readonly confidence: Confidence };

/**
 * The order of settled causes: AWS's message first, then confidence, then
 * the side AWS's message points at (a plain message: the caller's side
 * passed, so the role's side first), then code.
 */
function causeOrder(plain: boolean): (a: Settled, b: Settled) => number {
  const sideRank = (code: CauseCode): number => {
    const side = CAUSE_CODES[code];
    if (code === 'INSUFFICIENT_DATA') return 0;
    if (side === 'any') return 3;
    if (plain) return side === 'caller' ? 2 : 1;
    return side === 'caller' ? 1 : 2;
  };
  return (a, b) =>
    (a.draft.certainty === 'message' ? -1 : 0) - (b.draft.certainty === 'message' ? -1 : 0) ||
    RANK[a.confidence] - RANK[b.confidence] ||
    sideRank(a.draft.code) - sideRank(b.draft.code) ||
    CODE_RANK[a.draft.code] - CODE_RANK[b.draft.code];
}

function confidenceOf(d: CauseDraft, loneUnknown: boolean): Confidence {
  if (d.certainty === 'message') return 'confirmed';
  if (d.certainty === 'yes') return d.demoted ? 'possible' : 'confirmed';
  if (d.certainty === 'inferred') return 'possible';
  return loneUnknown ? 'likely' : 'possible';
}

/**
 * Settles confidence and order (AWS's message first, then confidence, then
 * the side AWS's message points at, then code), and merges duplicates. An
 * undecided cause is likely when nothing is certain and it is the only
 * undecided code.
 */
export function settle(event: DenialEvent, drafts: readonly CauseDraft[]): Settled[] {
  let certain = false;
  // How often the undecided code changes along the list: 1 exactly when one
  // code is undecided.
  let unknownCode: CauseCode | undefined;
  let unknownCodes = 0;
  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i]!;
    if ((d.certainty === 'yes' && !d.demoted) || d.certainty === 'message') certain = true;
    else if (d.certainty === 'unknown' && d.code !== unknownCode) {
      unknownCode = d.code;
      unknownCodes++;
    }
  }
  const loneUnknown = !certain && unknownCodes === 1;
  const withConf = drafts.map(
    (d): Settled => ({ draft: d, confidence: confidenceOf(d, loneUnknown) }),
  );
  // A single cause has nothing to be ordered against or merged with.
  return withConf.length < 2 ? withConf : orderAndMerge(event, withConf);
}

/** {@link settle}'s order, and one cause of each code, place and account. */
function orderAndMerge(event: DenialEvent, withConf: Settled[]): Settled[] {
  const plain =
    event.errorMessage.kind === 'not-authorized' && event.errorMessage.reason === undefined;
  withConf.sort(causeOrder(plain));
  const seen = new Set<string>();
  return withConf.filter(({ draft }) => {
    const e = draft.evidence;
    const key = `${draft.code}|${String(e.policy)}|${String(e.statement)}|${String(e.conditionKey)}|${'unreadable' in e ? String(e.unreadable) : 'undefined'}|${String(e.accountId)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
