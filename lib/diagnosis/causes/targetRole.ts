import { cliAssumeRole, tfProviderAssumeRole } from '../../fixes/fixCommands.js';
import { sessionNameOf } from '../../fixes/fixTexts.js';
import { parseRoleArn } from '../../iam/parseIamArn.js';
import { type CauseDraft, NO_CAUSES } from '../CauseDraft.js';
import type { CauseRule, RemedyContext, RemedySink } from '../CauseRule.js';
import * as prose from '../causeProse.js';
import { callerLabel, roleNameOf } from '../describe.js';
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
  return {
    code: 'ROLE_NOT_FOUND',
    certainty: 'yes',
    summary: prose.roleNotFound(wanted, best),
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
  const tip: prose.OutsideOrgTip =
    best !== undefined
      ? { kind: 'role', accountId: best.accountId, name: best.name, arn: best.arn }
      : near.length > 0
        ? { kind: 'near-accounts', accountIds: near.map((n) => n.accountId) }
        : { kind: 'third-party' };
  return {
    code: 'TARGET_ACCOUNT_OUTSIDE_ORG',
    certainty: 'unknown',
    summary: prose.targetOutsideOrg(accountId, roleArn, org === null, tip),
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
function detectInSituation(s: Situation): readonly CauseDraft[] {
  const roleArn = s.targetArn;
  if (s.kind === 'no-target') {
    return [
      {
        code: 'INSUFFICIENT_DATA',
        certainty: 'yes',
        summary: prose.noTargetRole(),
        evidence: { unreadable: 'target role' },
      },
    ];
  }
  if (roleArn === undefined) return NO_CAUSES;
  if (s.kind === 'role-missing') return [roleNotFound(s, roleArn)];
  if (s.kind === 'outside-org') return [outsideOrg(s, roleArn)];
  if (s.kind !== 'role-unreadable') return NO_CAUSES;
  const account = s.targetAccount ?? '';
  const reason = s.unreadableReason ?? 'not read';
  const out: CauseDraft[] = [
    {
      code: 'INSUFFICIENT_DATA',
      certainty: 'yes',
      summary: prose.targetAccountUnreadable(account, roleNameOf(roleArn), reason),
      evidence: { unreadable: 'target role', accountId: account, roleArn, reason },
    },
  ];
  if (s.event.errorMessage.reason === undefined) {
    out.push(
      {
        code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
        certainty: 'inferred',
        summary: prose.mayNotTrust(roleNameOf(roleArn), callerLabel(s.event)),
        evidence: { roleArn, accountId: account },
      },
      {
        code: 'ROLE_NOT_FOUND',
        certainty: 'inferred',
        summary: prose.mayNotExist(roleArn),
        evidence: { roleArn, accountId: account },
      },
    );
  }
  return out;
}

/** Use the existing role the caller probably meant. */
function remedies(d: CauseDraft, ctx: RemedyContext, sink: RemedySink): undefined {
  if (d.code !== 'ROLE_NOT_FOUND' && d.code !== 'TARGET_ACCOUNT_OUTSIDE_ORG') return;
  const arn = d.facts?.suggestedArn;
  const role = arn === undefined ? undefined : ctx.existingRole(arn);
  if (arn === undefined || role === undefined) return;
  const sessionName = sessionNameOf(ctx.event.request.roleSessionName);
  sink.offer({
    title: { kind: 'use-existing-role', roleArn: arn },
    appliesTo: { kind: 'caller-configuration' },
    check: { kind: 'role-exists', role },
    texts: () => ({
      awsCli: cliAssumeRole({ roleArn: arn, sessionName }),
      terraform: tfProviderAssumeRole({ roleArn: arn, sessionName }),
    }),
  });
}

/** The role the event names: does it exist, and can its account be read? */
export const targetRoleRule: CauseRule = {
  family: 'target role',
  codes: ['ROLE_NOT_FOUND', 'TARGET_ACCOUNT_OUTSIDE_ORG'],
  situationKinds: ['no-target', 'role-missing', 'outside-org', 'role-unreadable'],
  detectInSituation,
  remedies,
};
