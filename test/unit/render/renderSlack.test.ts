import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import {
  slackCode,
  slackCodeBlock,
  slackProse,
  slackSummary,
} from '../../../lib/render/escapeSlack.js';
import { renderSlack } from '../../../lib/render/renderSlack.js';
import { slackPayloadProblems } from '../../support/hostileText.js';

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

describe('Slack escaping', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['a & b', 'a &amp; b'],
    ['@here', `@${ZWSP}here`],
    ['*bold* ~s~ _it_ snake_case', '∗bold∗ ∼s∼ ˍitˍ snake_case'],
    ['http://x.test www.x.test', `http:${ZWSP}//x.test www${ZWSP}.x.test`],
    ['\u001b[31mred\u202Eevil', '[31mredevil'],
    ['line\nbreak\u2028sep', 'line ⏎ break ⏎ sep'],
  ])('prose %j → %j', (input, output) => {
    expect(slackProse(input)).toBe(output);
  });

  it('keeps untrusted text inside its code span: one line, no backtick, exact otherwise', () => {
    expect(slackCode('a`b<!here>`')).toBe('`aˋb&lt;!here&gt;ˋ`');
    expect(slackCode('x\n*Role:* `y`')).toBe('`x ⏎ *Role:* ˋyˋ`');
    expect(slackCode('ci@deploy')).toBe('`ci@deploy`');
    expect(slackCode('a\u200Bb')).toBe('`a\\u{200b}b`');
  });

  it('clips on code points before escaping: a surrogate pair or an entity is never cut, the span stays closed', () => {
    const clipped = slackCode('😀'.repeat(200), 21);
    expect(clipped).toBe(`\`${'😀'.repeat(9)}…\``);
    expect(slackCode('&'.repeat(100), 13)).toBe('`&amp;&amp;…`');
    // A 2,048-character role ARN cannot leave its span open.
    const arn = `arn:aws:iam::1:role/${'*'.repeat(2048)}`;
    const code = slackCode(arn);
    expect(code.length).toBeLessThanOrEqual(300);
    expect(code.endsWith('…`')).toBe(true);
  });

  it('renders summary code parts as code and the rest as prose', () => {
    expect(slackSummary('role `x_y` is *not* trusted')).toBe('role `x_y` is ∗not∗ trusted');
  });

  it("keeps the template's spans paired when a quoted value holds backticks", () => {
    const sub = 'x` *bold* `<!here>` y';
    const summary = `the token's sub \`${sub}\` is not allowed by \`StringLike\``;
    expect(slackSummary(summary, [sub])).toBe(
      "the token's sub `xˋ *bold* ˋ&lt;!here&gt;ˋ y` is not allowed by `StringLike`",
    );
  });

  it('closes every span it opens when a sentence is clipped', () => {
    const out = slackSummary(`a \`${'b'.repeat(100)}\` c`, [], 20);
    expect(out.length).toBeLessThanOrEqual(20);
    expect((out.match(/`/g) ?? []).length % 2).toBe(0);
  });

  it('shows code to paste exactly, or not at all', () => {
    expect(
      slackCodeBlock('aws iam create-open-id-connect-provider --url https://x <&>', 3000),
    ).toEqual({
      kind: 'block',
      mrkdwn: '```aws iam create-open-id-connect-provider --url https://x &lt;&amp;&gt;```',
    });
    expect(slackCodeBlock('echo `id`', 3000)).toEqual({ kind: 'omitted', reason: 'backtick' });
    expect(slackCodeBlock('a\u200Bb', 3000)).toEqual({ kind: 'omitted', reason: 'invisible' });
    expect(slackCodeBlock('a\u2028b', 3000)).toEqual({ kind: 'omitted', reason: 'invisible' });
    expect(slackCodeBlock('x'.repeat(3000), 3000)).toEqual({ kind: 'omitted', reason: 'too-long' });
    expect(slackCodeBlock("--sub 'a\nrm -rf ~'", 3000, ['a\nrm -rf ~'])).toEqual({
      kind: 'omitted',
      reason: 'quoted-line-break',
    });
  });
});

describe('renderSlack', () => {
  it('escapes every attacker-controlled string: no link, mention, markup or line can form', () => {
    expect(slackPayloadProblems(renderSlack(diagnosis()))).toEqual([]);
    const text = allText(renderSlack(diagnosis()));
    expect(text).not.toContain('<!');
    expect(text).not.toContain('<http');
    expect(text).not.toContain('|click>');
  });

  it('keeps newlines of event text out of the top-level text (the notification)', () => {
    const d = diagnosis({
      caller: { type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/r/s\n*Role:* `evil`' },
    });
    const { text } = renderSlack(d);
    expect(text).not.toContain('\n');
    expect(text).toContain('`arn:aws:sts::1:assumed-role/r/s ⏎ *Role:* ˋevilˋ`');
  });

  it('writes fix code blocks with no zero-width character (what is pasted is what runs)', () => {
    const d = diagnosis();
    const p = renderSlack({
      ...d,
      fixes: [
        {
          cause: 'OIDC_PROVIDER_NOT_TRUSTED',
          title: 'Create the provider',
          awsCli:
            'aws iam create-open-id-connect-provider --url https://token.actions.githubusercontent.com --client-id-list sts.amazonaws.com',
        },
      ],
    });
    const cli = allText(p).match(/```(.*?)```/)?.[1] ?? '';
    expect(cli).toContain('--url https://token.actions.githubusercontent.com');
    expect(cli).not.toMatch(/[\u200B-\u200D\uFEFF]/);
  });

  it('points to the full text when a fix cannot be shown', () => {
    const text = allText(renderSlack(diagnosis()));
    expect(text).toContain('AWS CLI: not shown here (it holds a backtick');
    expect(text).toContain('the full text is in the SNS message of event `e-1`');
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

  it("keeps every section within Slack's 3000-character limit, naming what was left out", () => {
    const long = 'x'.repeat(10_000);
    const d = diagnosis();
    const p = renderSlack({ ...d, fixes: [{ ...d.fixes[0]!, awsCli: long, terraform: long }] });
    expect(slackPayloadProblems(p)).toEqual([]);
    expect(allText(p)).toContain('AWS CLI: not shown here (too long for Slack)');
  });
});
