import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import { escapeSlack, slackCode, slackSummary } from '../../../lib/render/escapeSlack.js';
import { renderSlack } from '../../../lib/render/renderSlack.js';

const ZWSP = '\u200B';

/** Every mrkdwn text of a payload, concatenated. */
function allText(payload: unknown): string {
  return JSON.stringify(payload);
}

const hostile =
  '<!channel> @here *bold* _it_ ~s~ `code` <https://evil.example|click> http://evil.example www.evil.example a@b.c';

function diagnosis(overrides: Partial<Diagnosis> = {}): Diagnosis {
  return {
    eventId: 'e-1',
    input: 'record',
    eventName: 'AssumeRoleWithWebIdentity',
    eventTime: '2026-03-02T15:40:03Z',
    caller: {
      type: 'WebIdentityUser',
      sessionName: hostile,
      userAgent: hostile,
      sourceIp: '198.51.100.1',
    },
    target: {
      roleArn: 'arn:aws:iam::222222222222:role/GitHubActionsDeploy',
      accountId: '222222222222',
    },
    causes: [
      {
        code: 'OIDC_CLAIM_MISMATCH',
        confidence: 'confirmed',
        side: 'trust',
        summary: `the token's sub was \`${hostile}\``,
        evidence: {
          policy: 'trust policy of arn:aws:iam::222222222222:role/GitHubActionsDeploy',
          statement: 'GitHubPaymentsApi',
          conditionKey: 'token.actions.githubusercontent.com:sub',
          operator: 'StringLike',
          expected: ['repo:example-org/payments-api:ref:refs/heads/main'],
          actual: [hostile],
          observedSub: hostile,
        },
      },
    ],
    fixes: [
      {
        cause: 'OIDC_CLAIM_MISMATCH',
        title: `Allow \`${hostile}\``,
        iamPolicy: { Version: '2012-10-17', Statement: [{ Sid: hostile }] },
        awsCli: `aws iam update-assume-role-policy --policy-document '${hostile}'`,
        terraform: `# ${hostile}\n\`\`\`<!here>`,
        verified: true,
      },
    ],
    ...overrides,
  };
}

describe('escapeSlack', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['a & b', 'a &amp; b'],
    ['@here', `@${ZWSP}here`],
    ['*bold*', `${ZWSP}*bold${ZWSP}*`],
    ['http://x.test', `http:${ZWSP}//x.test`],
    ['\u001b[31mred', '[31mred'],
  ])('%j → %j', (input, output) => {
    expect(escapeSlack(input)).toBe(output);
  });

  it('keeps untrusted text inside its code span', () => {
    const code = slackCode('a`b<!here>`');
    expect(code.startsWith('`')).toBe(true);
    expect(code.endsWith('`')).toBe(true);
    expect(code.slice(1, -1)).not.toContain('`');
    expect(code).not.toContain('<');
  });

  it('renders summary code parts as code and the rest escaped', () => {
    expect(slackSummary('role `x_y` is *not* trusted')).toBe(
      `role \`x_y\` is ${ZWSP}*not${ZWSP}* trusted`,
    );
  });
});

describe('renderSlack', () => {
  it('escapes every attacker-controlled string: no link, mention or markup can form', () => {
    const text = allText(renderSlack(diagnosis()));
    expect(text).not.toContain('<!');
    expect(text).not.toContain('<http');
    expect(text).not.toContain('|click>');
    expect(text).not.toMatch(/@here/);
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toMatch(/(?<!\\u200B)www\.evil/);
  });

  it('shows who, which role, which account, the cause and the fix in three renderings', () => {
    const p = renderSlack(diagnosis());
    const text = allText(p);
    expect(p.blocks[0]).toMatchObject({ type: 'header' });
    expect(text).toContain('GitHubActionsDeploy');
    expect(text).toContain('222222222222');
    expect(text).toContain('OIDC_CLAIM_MISMATCH');
    expect(text).toContain('IAM policy');
    expect(text).toContain('AWS CLI');
    expect(text).toContain('Terraform');
  });

  it('says how many denials were grouped only when there is more than one', () => {
    expect(allText(renderSlack(diagnosis(), { count: 12 }))).toContain('12 denials like this one');
    expect(allText(renderSlack(diagnosis(), { count: 1 }))).not.toContain('denials like this one');
  });

  it("keeps every section within Slack's 3000-character limit", () => {
    const long = 'x'.repeat(10_000);
    const d = diagnosis();
    const p = renderSlack({ ...d, fixes: [{ ...d.fixes[0]!, awsCli: long, terraform: long }] });
    for (const b of p.blocks) {
      const t = (b as { text?: { text?: string } }).text?.text;
      if (t !== undefined) expect(t.length).toBeLessThanOrEqual(3000);
    }
  });
});
