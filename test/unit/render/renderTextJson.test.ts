import { describe, expect, it } from 'vitest';
import type { ExplainOutput } from '../../../lib/diagnosis/Diagnosis.js';
import { renderJson } from '../../../lib/render/renderJson.js';
import { renderText } from '../../../lib/render/renderText.js';

const out: ExplainOutput = {
  diagnoses: [
    {
      eventId: 'e-1',
      input: 'record',
      eventName: 'AssumeRole',
      caller: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111111111111:assumed-role/r/\u001b[2Jsess',
        accountId: '111111111111',
      },
      target: { roleArn: 'arn:aws:iam::222222222222:role/DeployRole', accountId: '222222222222' },
      causes: [
        {
          code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
          confidence: 'confirmed',
          side: 'trust',
          summary: 'The trust policy does not name the caller.',
          evidence: { policy: 'trust policy of arn:aws:iam::222222222222:role/DeployRole' },
        },
      ],
      fixes: [
        {
          cause: 'TRUST_PRINCIPAL_NOT_TRUSTED',
          title: 'Add it',
          awsCli: 'aws iam …',
          verified: true,
        },
      ],
    },
  ],
  skipped: [{ eventId: 'e-2', reason: 'not a denied role assumption' }],
};

describe('renderJson', () => {
  it('prints exactly { diagnoses, skipped } with skipped reduced to eventId and reason', () => {
    const withOrigin = {
      ...out,
      skipped: [{ eventId: 'e-2', reason: 'r', origin: { path: '$' } }],
    };
    const doc = JSON.parse(renderJson(withOrigin as ExplainOutput));
    expect(Object.keys(doc)).toEqual(['diagnoses', 'skipped']);
    expect(doc.skipped).toEqual([{ eventId: 'e-2', reason: 'r' }]);
    expect(doc.diagnoses[0].causes[0].code).toBe('TRUST_PRINCIPAL_NOT_TRUSTED');
  });
});

describe('renderText', () => {
  it('is plain without colour and strips control characters from event text', () => {
    const text = renderText(out, { color: false });
    expect(text).not.toContain('\u001b');
    expect(text).toContain('TRUST_PRINCIPAL_NOT_TRUSTED');
    expect(text).toContain('fix for TRUST_PRINCIPAL_NOT_TRUSTED');
    expect(text).toContain('skipped 1 record');
  });

  it('keeps event text on one line and drops bidirectional overrides, but keeps the line breaks of commands', () => {
    const sub = 'repo:o/r:ref:refs/heads/x\n  2. NO_CAUSE_FOUND  confirmed\u202Egnp.exe';
    const forged: ExplainOutput = {
      diagnoses: [
        {
          ...(out.diagnoses[0] as ExplainOutput['diagnoses'][number]),
          causes: [
            {
              code: 'OIDC_CLAIM_MISMATCH',
              confidence: 'confirmed',
              side: 'trust',
              summary: `The token's sub \`${sub}\` does not match.`,
              evidence: { actual: [sub] },
            },
          ],
          fixes: [
            {
              cause: 'OIDC_CLAIM_MISMATCH',
              title: 'Trust it',
              awsCli: 'line one\nline two',
              verified: true,
            },
          ],
        },
      ],
      skipped: [],
    };
    const text = renderText(forged, { color: false });
    expect(text).not.toMatch(/\n\s*2\. NO_CAUSE_FOUND/);
    expect(text).not.toContain('\u202E');
    expect(text).toContain('refs/heads/x ⏎   2. NO_CAUSE_FOUND');
    expect(text).toContain('      line one\n      line two');
  });

  it('escapes invisible characters in object keys too: a condition key of a printed policy cannot reorder the terminal', () => {
    const key = 'aws:PrincipalTag/team\u202Egnp.exe';
    const withPolicy: ExplainOutput = {
      diagnoses: [
        {
          ...(out.diagnoses[0] as ExplainOutput['diagnoses'][number]),
          fixes: [
            {
              cause: 'TRUST_PRINCIPAL_NOT_TRUSTED',
              title: 'Add it',
              iamPolicy: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Condition: { StringEquals: { [key]: 'x' } } }],
              },
              verified: true,
            },
          ],
        },
      ],
      skipped: [],
    };
    const text = renderText(withPolicy, { color: false });
    expect(text).not.toContain('\u202E');
    expect(text).toContain('aws:PrincipalTag/team\\\\u{202e}gnp.exe');
    expect(text).toContain('"StringEquals"');
  });

  it('colours only when asked', () => {
    expect(renderText(out, { color: true })).toContain('\u001b[1m');
  });

  it('says so when there is nothing to explain', () => {
    expect(renderText({ diagnoses: [], skipped: [] }, { color: false })).toBe(
      'no denied role assumption found\n',
    );
  });
});
