import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../lib/alerts/Alert.js';
import { slackPayload } from '../../../lib/alerts/slackPayload.js';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import { explainAll } from '../../../lib/explain/explainEvent.js';
import type { AuditReport } from '../../../lib/findings/AuditReport.js';
import type { StoredFinding } from '../../../lib/findings/AuditRun.js';
import type { AuditDigest } from '../../../lib/findings/buildDigest.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { renderAuditMarkdown } from '../../../lib/render/audit/renderAuditMarkdown.js';
import { renderAuditText } from '../../../lib/render/audit/renderAuditText.js';
import { digestSubject, renderDigestSlack } from '../../../lib/render/audit/renderDigest.js';
import { renderSlack } from '../../../lib/render/renderSlack.js';
import { renderText } from '../../../lib/render/renderText.js';
import { INVISIBLE_ALL } from '../../../lib/render/safeText.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import {
  FORGED,
  hostileString,
  LONE_SURROGATE,
  slackPayloadProblems,
} from '../../support/hostileText.js';

/**
 * The caller controls five strings that reach every renderer: the role
 * session name, the user agent, the source identity, the OIDC subject and
 * the name of the role it asks for. These properties throw hostile strings
 * into all five at once, through the real intake and diagnosis (so the
 * sentences and fixes are the ones trustwatch writes), and check every
 * payload: Slack (diagnosis, summary and security alerts), the terminal
 * renderer, and the audit digest.
 */
const EVENTS = join(import.meta.dirname, '../../../events');
const SAMPLES = [
  '01-trust-policy-lacks-principal.json',
  '04-externalid-missing-or-wrong.json',
  '05-role-does-not-exist-typo.json',
  '07-github-oidc-webidentity-denied.json',
  'cause-oidc-claim-mismatch.json',
  'cause-trust-missing-session-action.json',
].map((f) => JSON.parse(readFileSync(join(EVENTS, f), 'utf8')) as Record<string, unknown>);
const source = new SnapshotStateSource(demoSnapshot());

interface Hostile {
  readonly sessionName: string;
  readonly userAgent: string;
  readonly sourceIdentity: string;
  readonly sub: string;
  readonly roleName: string;
}

const hostileFields: fc.Arbitrary<Hostile> = fc.record({
  sessionName: hostileString,
  userAgent: hostileString,
  sourceIdentity: hostileString,
  sub: hostileString,
  roleName: hostileString,
});

/** A sample event with every caller-controlled field replaced. */
function inject(sample: Record<string, unknown>, h: Hostile): unknown {
  const e = structuredClone(sample) as { detail: Record<string, unknown> };
  const d = e.detail;
  const ui = (d.userIdentity ?? {}) as Record<string, unknown>;
  const account = String(d.recipientAccountId ?? '222222222222');
  const params = (d.requestParameters ?? {}) as Record<string, unknown>;
  d.requestParameters = {
    ...params,
    roleArn: `arn:aws:iam::${account}:role/${h.roleName}`,
    roleSessionName: h.sessionName,
    sourceIdentity: h.sourceIdentity,
  };
  d.userAgent = h.userAgent;
  if (ui.type === 'WebIdentityUser') {
    ui.userName = h.sub;
    const provider = String(ui.identityProvider ?? '');
    ui.principalId = `${provider}:sts.amazonaws.com:${h.sub}`;
  }
  if (typeof ui.arn === 'string' && ui.type === 'AssumedRole') {
    ui.arn = ui.arn.replace(/[^/]+$/, h.sessionName);
  }
  return e;
}

async function diagnosesFor(h: Hostile): Promise<Diagnosis[]> {
  const out: Diagnosis[] = [];
  for (const sample of SAMPLES) {
    const intake = readInput(inject(sample, h), 'hostile.json');
    out.push(...(await explainAll(intake, source)).diagnoses);
  }
  return out;
}

/** Diagnoses whose sentences and fixes quote the hostile strings the way trustwatch's prose does. */
function quotingDiagnosis(h: Hostile): Diagnosis {
  const role = `arn:aws:iam::222222222222:role/${h.roleName}`;
  return {
    eventId: h.sessionName,
    eventName: 'AssumeRoleWithWebIdentity',
    input: 'record',
    eventTime: h.userAgent,
    caller: {
      arn: `arn:aws:sts::111111111111:assumed-role/ci/${h.sessionName}`,
      type: 'AssumedRole',
      sessionName: h.sessionName,
      userAgent: h.userAgent,
      sourceIp: h.sourceIdentity,
    },
    target: { roleArn: role, accountId: '222222222222' },
    causes: Array.from({ length: 7 }, (_, i) => ({
      code: 'OIDC_CLAIM_MISMATCH' as const,
      confidence: 'confirmed' as const,
      side: 'trust' as const,
      summary: `the token's \`sub\` is \`${h.sub}\`, but \`${role}\` allows only \`repo:org/app:*\`; source identity \`${h.sourceIdentity}\` (${i})`,
      evidence: {
        policy: `trust policy of ${role}`,
        statement: h.sessionName,
        conditionKey: 'token.actions.githubusercontent.com:sub',
        operator: 'StringLike',
        expected: Array.from({ length: 8 }, () => h.userAgent),
        actual: [h.sub, h.sourceIdentity],
        observedSub: h.sub,
      },
    })),
    fixes: Array.from({ length: 6 }, (_, i) => ({
      cause: 'OIDC_CLAIM_MISMATCH' as const,
      title: `Allow \`${h.sub}\` on \`${h.roleName}\` (${i})`,
      iamPolicy: {
        Version: '2012-10-17',
        Statement: [{ Condition: { StringLike: { sub: [h.sub, h.sourceIdentity] } } }],
      },
      awsCli: `aws iam update-assume-role-policy --role-name '${h.roleName}' --policy-document '${h.sub}'`,
      terraform: `resource "aws_iam_role" "x" {\n  name = "${h.roleName}"\n}\n`,
      verified: i % 2 === 0,
    })),
  };
}

function alertsOf(d: Diagnosis, h: Hostile): Alert[] {
  return [
    { kind: 'diagnosis', diagnosis: d },
    {
      kind: 'summary',
      diagnosis: d,
      repeats: 41,
      windowStart: '2026-03-02T15:40:03Z',
      windowEnd: '2026-03-02T15:55:03Z',
      fingerprint: h.userAgent,
    },
    {
      kind: 'security',
      finding: 'ROLE_ENUMERATION',
      callerPrincipal: h.sessionName,
      rolesTried: Array.from({ length: 30 }, (_, i) => `${h.roleName}${i}`),
      windowStart: h.userAgent,
      windowEnd: h.sourceIdentity,
      diagnosis: d,
    },
  ];
}

const RUNS = { numRuns: 40 };

describe('hostile caller-controlled text: Slack', () => {
  it('the hostile corpus really is hostile (guards against a vacuous pass)', () => {
    const h: Hostile = {
      sessionName: `a\n${FORGED} *Role:* \`x\``,
      userAgent: '<!channel> @here',
      sourceIdentity: 'x` *bold* `y',
      sub: '\u2028```rm -rf /```',
      roleName: 'r'.repeat(3000),
    };
    const d = quotingDiagnosis(h);
    // Unescaped, the same text breaks every rule the properties check.
    const naive = {
      text: `denied for ${d.caller.arn}: ${d.causes[0]?.summary}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: d.causes[0]?.summary ?? '' } }],
    };
    expect(slackPayloadProblems(naive).length).toBeGreaterThan(3);
    expect(slackPayloadProblems(renderSlack(d))).toEqual([]);
  });

  it('diagnoses of events with hostile fields: no mention, link, formatting or line outside a span; limits kept', async () => {
    await fc.assert(
      fc.asyncProperty(hostileFields, async (h) => {
        const diagnoses = await diagnosesFor(h);
        expect(diagnoses.length).toBeGreaterThan(0);
        for (const d of diagnoses) {
          for (const alert of alertsOf(d, h))
            expect(slackPayloadProblems(slackPayload(alert))).toEqual([]);
          expect(slackPayloadProblems(renderSlack(d, { count: 3, footer: h.userAgent }))).toEqual(
            [],
          );
        }
      }),
      RUNS,
    );
  });

  it('sentences and fixes that quote hostile values in backticks keep their spans paired', () => {
    fc.assert(
      fc.property(hostileFields, (h) => {
        const d = quotingDiagnosis(h);
        for (const alert of alertsOf(d, h))
          expect(slackPayloadProblems(slackPayload(alert))).toEqual([]);
      }),
      RUNS,
    );
  });
});

function terminalProblems(text: string, color: boolean): string[] {
  const problems: string[] = [];
  const withoutSgr = color ? text.replace(/\u001B\[\d+m/g, '') : text;
  if (/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/.test(withoutSgr))
    problems.push('a control character (terminal escape)');
  if (/[\r\u2028\u2029\u0085]/.test(text)) problems.push('a line break other than \\n');
  if (LONE_SURROGATE.test(text)) problems.push('a lone surrogate');
  const invisible = withoutSgr.replace(/\n|\t/g, '').match(INVISIBLE_ALL);
  if (invisible !== null) problems.push(`invisible characters ${JSON.stringify(invisible)}`);
  for (const line of withoutSgr.split('\n')) {
    if (/^\s*(\|\s*)?FORGED/.test(line)) problems.push(`a forged line ${JSON.stringify(line)}`);
  }
  return problems;
}

describe('hostile caller-controlled text: terminal', () => {
  it('renderText writes no escape sequence, invisible character or forged line', async () => {
    await fc.assert(
      fc.asyncProperty(hostileFields, fc.boolean(), async (h, color) => {
        const diagnoses = [...(await diagnosesFor(h)), quotingDiagnosis(h)];
        const text = renderText(
          { diagnoses, skipped: [{ eventId: h.sessionName, reason: h.userAgent }] },
          { color },
        );
        expect(terminalProblems(text, color)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('the terminal check catches what it must (guards against a vacuous pass)', () => {
    expect(terminalProblems('a\u001B]8;;x\u0007b', false)).not.toEqual([]);
    expect(terminalProblems(`x\n${FORGED}`, false)).not.toEqual([]);
    expect(terminalProblems('\u202Eabc', false)).not.toEqual([]);
  });
});

function finding(h: Hostile, i: number): StoredFinding {
  return {
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    severity: 'high',
    roleArn: `arn:aws:iam::222222222222:role/${h.roleName}${i}`,
    roleName: h.roleName,
    accountId: '222222222222',
    evidence: { statementIndex: 0, values: [h.sub] },
    summary: `trust policy allows any \`sub\` matching \`${h.sub}\` for \`${h.roleName}\``,
    fingerprint: `${h.userAgent}${i}`,
    fixTitle: h.sessionName,
  };
}

describe('hostile text: audit digest', () => {
  it('keeps the digest payload unforgeable and within Block Kit limits', () => {
    fc.assert(
      fc.property(hostileFields, fc.integer({ min: 0, max: 40 }), (h, n) => {
        const list = Array.from({ length: n }, (_, i) => finding(h, i));
        const digest: AuditDigest = {
          runId: h.sessionName,
          startedAt: '2026-03-02T05:17:00Z',
          accountsAudited: 3,
          accountsFailed: [{ accountId: h.userAgent, error: h.sourceIdentity }],
          rolesAudited: 10,
          new: list,
          resolved: list.slice(0, 3),
          stillOpen: [],
          openBySeverity: { critical: 0, high: n, medium: 0, low: 0, info: 0 },
          blindSpots: [
            {
              code: 'FORWARD_RULE_MISSING',
              severity: 'high',
              accountId: h.roleName,
              region: h.sub,
              summary: h.userAgent,
            },
          ],
          suppressed: 0,
        };
        expect(slackPayloadProblems(renderDigestSlack(digest))).toEqual([]);
        expect(digestSubject(digest)).toMatch(/^[\x20-\x7e]{1,100}$/);
      }),
      RUNS,
    );
  });
});

describe('hostile text: audit text and Markdown', () => {
  const report = (h: Hostile): AuditReport => {
    const finding = {
      code: 'OIDC_SUB_WILDCARD_TOO_BROAD' as const,
      severity: 'high' as const,
      roleArn: `arn:aws:iam::222222222222:role/${h.roleName}`,
      roleName: h.roleName,
      accountId: '222222222222',
      evidence: { statementIndex: 0, values: [h.sub] },
      summary: `trust policy allows any \`sub\` matching \`${h.sub}\``,
      fingerprint: h.userAgent,
      fix: {
        cause: 'OIDC_SUB_WILDCARD_TOO_BROAD' as const,
        title: `restrict \`${h.sub}\``,
        kind: 'update-trust-policy' as const,
        awsCli: `aws iam update-assume-role-policy --role-name '${h.roleName}'\n# ${h.sessionName}`,
        terraform: `# ${h.sourceIdentity}`,
        placeholders: [h.userAgent],
        verified: true,
        checks: [],
      },
    };
    return {
      auditedAt: '2026-03-02T05:17:00Z',
      // A snapshot's label is its file name: hostile too.
      state: { kind: 'snapshot', label: h.sessionName },
      accounts: [
        {
          accountId: '222222222222',
          rolesAudited: 1,
          rolesSkipped: 0,
          findings: [finding],
          suppressed: [],
          warnings: [],
        },
        {
          accountId: '333333333333',
          rolesAudited: 0,
          rolesSkipped: 0,
          findings: [],
          suppressed: [],
          error: h.userAgent,
          warnings: [],
        },
      ],
      warnings: [],
    };
  };

  it('the Markdown keeps its structure: fences close, HTML stays closed, no forged line outside a fence', () => {
    fc.assert(
      fc.property(hostileFields, (h) => {
        const md = renderAuditMarkdown(report(h));
        expect(LONE_SURROGATE.test(md)).toBe(false);
        // Outside fenced blocks (a fence closes only with the same run of backticks): no forged
        // line, trustwatch's one <details> opened and closed once, table rows with five cells.
        let fence: string | undefined;
        const outside: string[] = [];
        for (const line of md.split('\n')) {
          const run = /^(`{3,})/.exec(line)?.[1];
          if (fence === undefined && run !== undefined) fence = run;
          else if (fence !== undefined && line === fence) fence = undefined;
          else if (fence === undefined) outside.push(line);
        }
        expect(fence).toBeUndefined();
        const prose = outside.join('\n');
        expect(prose.match(/<details>/g)).toHaveLength(1);
        expect(prose.match(/<\/details>/g)).toHaveLength(1);
        for (const line of outside) {
          expect(line.replace(/^[-|\s]+/, '')).not.toMatch(/^FORGED/);
          if (line.startsWith('| high')) {
            // Cells: pipes inside code spans are escaped, so exactly six unescaped pipes.
            expect(line.match(/(?<!\\)\|/g)).toHaveLength(6);
          }
        }
      }),
      RUNS,
    );
  });

  it('the terminal audit writes no escape sequence, invisible character or forged line', () => {
    fc.assert(
      fc.property(hostileFields, fc.boolean(), (h, color) => {
        const text = renderAuditText(report(h), { color });
        expect(terminalProblems(text, color)).toEqual([]);
      }),
      RUNS,
    );
  });
});
