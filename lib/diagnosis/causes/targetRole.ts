import { cliAssumeRole, tfProviderAssumeRole } from '../../fixes/fixCommands.js';
import { sessionNameOf } from '../../fixes/fixTexts.js';
import { parseRoleArn } from '../../iam/parseIamArn.js';
import type { CauseDraft } from '../CauseDraft.js';
import type { CauseRule, Remedy, RemedyContext } from '../CauseRule.js';
import { callerLabel, quoteList, roleNameOf } from '../describe.js';
import { candidateRoles } from '../evaluateRequest.js';
import type { Situation } from '../Situation.js';
import { suggestAccountIds, suggestRoles } from '../suggestions.js';

function roleNotFound(s: Situation, roleArn: string): CauseDraft {
  const parts = parseRoleArn(roleArn);
  const wanted = {
    accountId: parts?.accountId ?? '',
    name: parts?.name ?? roleNameOf(roleArn),
    path: parts?.path ?? '/',
  };
  const suggestions = suggestRoles(wanted, candidateRoles(s.bundle));
  const best = suggestions[0];
  const hint =
    best === undefined
      ? ''
      : best.reason === 'other-path'
        ? ` It exists under another path: did you mean \`${best.arn}\`?`
        : best.reason === 'case-only'
          ? ` Role names are case-sensitive in ARNs: did you mean \`${best.arn}\`?`
          : best.reason === 'other-account'
            ? ` A role of that name exists in account \`${best.accountId}\`: did you mean \`${best.arn}\`?`
            : ` Did you mean \`${best.arn}\`?`;
  return {
    code: 'ROLE_NOT_FOUND',
    certainty: 'yes',
    summary: `There is no role \`${wanted.name}\`${wanted.path === '/' ? '' : ` with path \`${wanted.path}\``} in account \`${wanted.accountId}\`; AWS reports a missing role with the same message as an untrusted caller.${hint}`,
    evidence: {
      roleArn,
      accountId: wanted.accountId,
      suggestions: suggestions.map((x) => ({ arn: x.arn, reason: x.reason, distance: x.distance })),
    },
    ...(best === undefined ? {} : { facts: { suggestedArn: best.arn } }),
  };
}

function outsideOrg(s: Situation, roleArn: string): CauseDraft {
  const { bundle } = s;
  const parts = parseRoleArn(roleArn);
  const accountId = parts?.accountId ?? '';
  const name = parts?.name ?? roleNameOf(roleArn);
  const org = bundle.organization.ok ? bundle.organization.value : null;
  const near = suggestAccountIds(accountId, org?.accounts.map((a) => a.id) ?? []);
  const holders = candidateRoles(bundle).filter(
    (r) => r.name === name || r.name.toLowerCase() === name.toLowerCase(),
  );
  const ranked = [...holders].sort((a, b) => {
    const da = near.find((n) => n.accountId === a.accountId)?.distance ?? 99;
    const db = near.find((n) => n.accountId === b.accountId)?.distance ?? 99;
    return da - db || a.arn.localeCompare(b.arn);
  });
  const best = ranked[0];
  const tip =
    best !== undefined
      ? ` Account \`${best.accountId}\` of your organization has a role \`${best.name}\`: did you mean \`${best.arn}\`?`
      : near.length > 0
        ? ` Close account ids in the organization: ${quoteList(near.map((n) => n.accountId))}.`
        : ' If it is a third party, its trust policy cannot be read: ask its owner to trust your role (and agree an ExternalId).';
  return {
    code: 'TARGET_ACCOUNT_OUTSIDE_ORG',
    certainty: 'unknown',
    summary: `Account \`${accountId}\` of \`${roleArn}\` is not in your organization${org === null ? ' (the snapshot has no organization and does not hold this account)' : ''}, so its trust policy cannot be read.${tip}`,
    evidence: {
      roleArn,
      accountId,
      nearAccountIds: near.map((n) => n.accountId),
      suggestions: ranked.slice(0, 3).map((r) => r.arn),
    },
    ...(best === undefined ? {} : { facts: { suggestedArn: best.arn } }),
  };
}

/** The named role: missing, in an account outside the organization, unreadable, or not named at all. */
function detectInSituation(s: Situation): CauseDraft[] {
  const roleArn = s.targetArn;
  if (s.kind === 'no-target') {
    return [
      {
        code: 'INSUFFICIENT_DATA',
        certainty: 'yes',
        summary:
          'The event names no role (requestParameters were not logged and the error message has no resource), so there is nothing to evaluate.',
        evidence: { unreadable: 'target role' },
      },
    ];
  }
  if (roleArn === undefined) return [];
  if (s.kind === 'role-missing') return [roleNotFound(s, roleArn)];
  if (s.kind === 'outside-org') return [outsideOrg(s, roleArn)];
  if (s.kind !== 'role-unreadable') return [];
  const account = s.targetAccount ?? '';
  const reason = s.unreadableReason ?? 'not read';
  const out: CauseDraft[] = [
    {
      code: 'INSUFFICIENT_DATA',
      certainty: 'yes',
      summary: `The IAM state of account \`${account}\` could not be read (${reason}), so the trust policy of \`${roleNameOf(roleArn)}\` cannot be checked.`,
      evidence: { unreadable: 'target role', accountId: account, roleArn, reason },
    },
  ];
  if (s.event.errorMessage.reason === undefined) {
    out.push(
      {
        code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
        certainty: 'inferred',
        summary: `The trust policy of \`${roleNameOf(roleArn)}\` may not name ${callerLabel(s.event)} (AWS's message points at the role's side).`,
        evidence: { roleArn, accountId: account },
      },
      {
        code: 'ROLE_NOT_FOUND',
        certainty: 'inferred',
        summary: `The role \`${roleArn}\` may not exist (AWS's message is the same either way).`,
        evidence: { roleArn, accountId: account },
      },
    );
  }
  return out;
}

/** Use the existing role the caller probably meant. */
function remedies(d: CauseDraft, ctx: RemedyContext): Remedy[] {
  if (d.code !== 'ROLE_NOT_FOUND' && d.code !== 'TARGET_ACCOUNT_OUTSIDE_ORG') return [];
  const arn = d.facts?.suggestedArn;
  const role = arn === undefined ? undefined : ctx.existingRole(arn);
  if (arn === undefined || role === undefined) return [];
  const sessionName = sessionNameOf(ctx.event.request.roleSessionName);
  return [
    {
      title: `Use the existing role \`${arn}\` in the caller's configuration`,
      appliesTo: "the caller's configuration (role ARN)",
      check: { kind: 'role-exists', role },
      texts: () => ({
        awsCli: cliAssumeRole({ roleArn: arn, sessionName }),
        terraform: tfProviderAssumeRole({ roleArn: arn, sessionName }),
      }),
    },
  ];
}

/** The role the event names: does it exist, and can its account be read? */
export const targetRoleRule: CauseRule = {
  family: 'target role',
  codes: ['ROLE_NOT_FOUND', 'TARGET_ACCOUNT_OUTSIDE_ORG'],
  detectInSituation,
  remedies,
};
