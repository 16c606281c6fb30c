import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../lib/errors/TrustwatchError.js';
import { cleanLogText } from '../../../../lib/intake/errorText/cleanLogText.js';
import { messageId } from '../../../../lib/intake/errorText/messageToEvent.js';
import { readErrorText } from '../../../../lib/intake/errorText/readErrorText.js';
import { readInputText } from '../../../../lib/intake/readInput.js';
import * as F from './errorTextFixtures.js';

interface Want {
  readonly eventId?: string;
  readonly eventName: string;
  readonly callerType: string;
  readonly callerArn?: string;
  readonly roleArn?: string;
  readonly roleSource?: string;
  readonly kind: string;
  readonly reason?: { policyType: string; explicitDeny: boolean; policyArn?: string };
}

const SCP =
  'arn:aws:organizations::444444444444:policy/o-exampleorg1/service_control_policy/p-examplescp1';

const TABLE: readonly [string, string, readonly Want[], number][] = [
  [
    'Terraform AWS provider v5, coloured, in its diagnostic box',
    F.TERRAFORM_V5,
    [
      {
        eventId: F.REQUEST_ID,
        eventName: 'AssumeRole',
        callerType: 'AssumedRole',
        callerArn: F.CALLER,
        roleArn: F.ROLE,
        roleSource: 'errorMessage',
        kind: 'not-authorized',
      },
    ],
    0,
  ],
  [
    'Terraform AWS provider v6 in a GitHub Actions raw log, CRLF, cut at 100 columns inside the ARN',
    F.TERRAFORM_V6_CI,
    [
      {
        eventId: F.REQUEST_ID,
        eventName: 'AssumeRole',
        callerType: 'AssumedRole',
        callerArn: F.CALLER,
        roleArn: F.V6_ROLE,
        kind: 'not-authorized',
      },
    ],
    0,
  ],
  [
    'the older `error configuring Terraform AWS Provider` wording',
    F.TERRAFORM_CONFIGURING,
    [
      {
        eventId: '0529cbfe-21c8-47d6-8954-6b4f21eec46f',
        eventName: 'AssumeRole',
        callerType: 'IAMUser',
        callerArn: 'arn:aws:iam::111111111111:user/williams',
        roleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
        kind: 'not-authorized',
      },
    ],
    0,
  ],
  [
    'AWS CLI v2 with the no-identity-policy suffix',
    F.AWS_CLI_V2,
    [
      {
        eventName: 'AssumeRole',
        callerType: 'IAMUser',
        roleArn: F.ROLE,
        kind: 'not-authorized',
        reason: { policyType: 'identity', explicitDeny: false },
      },
    ],
    0,
  ],
  [
    'boto3 ClientError at the end of a traceback, SCP explicit deny with its ARN',
    F.BOTO3_TRACEBACK,
    [
      {
        eventName: 'AssumeRole',
        callerType: 'AssumedRole',
        roleArn: 'arn:aws:iam::333333333333:role/ReportingReader',
        kind: 'not-authorized',
        reason: { policyType: 'scp', explicitDeny: true, policyArn: SCP },
      },
    ],
    0,
  ],
  [
    'JavaScript SDK v3 error with its stack and $metadata',
    F.JS_V3,
    [
      {
        eventId: '9b1f3c2e-5a6d-4e7f-8a9b-0c1d2e3f4a5b',
        eventName: 'AssumeRole',
        callerType: 'AssumedRole',
        roleArn: F.ROLE,
        kind: 'not-authorized',
      },
    ],
    0,
  ],
  [
    'Go SDK v2 chain through the standard logger, identity-policy deny with its ARN',
    F.GO_V2,
    [
      {
        eventId: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
        eventName: 'AssumeRole',
        callerType: 'IAMUser',
        roleArn: 'arn:aws:iam::555555555555:role/BackupWriter',
        kind: 'not-authorized',
        reason: {
          policyType: 'identity',
          explicitDeny: true,
          policyArn: 'arn:aws:iam::111111111111:policy/DenyProdAssume',
        },
      },
    ],
    0,
  ],
  [
    'Java SDK v2 StsException with its stack',
    F.JAVA_V2,
    [
      {
        eventId: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
        eventName: 'AssumeRole',
        callerType: 'AssumedRole',
        roleArn: F.ROLE,
        kind: 'not-authorized',
      },
    ],
    0,
  ],
  [
    'GitHub Actions configure-aws-credentials: role from role-to-assume',
    F.GITHUB_ACTIONS_OIDC,
    [
      {
        eventName: 'AssumeRoleWithWebIdentity',
        callerType: 'WebIdentityUser',
        roleArn: 'arn:aws:iam::222222222222:role/GitHubActionsDeploy',
        roleSource: 'errorText',
        kind: 'web-identity-not-authorized',
      },
    ],
    0,
  ],
  [
    'an MFA code STS rejected, the role from Terraform',
    F.MFA_INVALID,
    [
      {
        eventId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        eventName: 'AssumeRole',
        callerType: 'Unknown',
        roleArn: 'arn:aws:iam::222222222222:role/BreakGlass',
        kind: 'mfa-failed',
      },
    ],
    0,
  ],
  [
    'a SAML assertion refused',
    F.SAML_DENIED,
    [{ eventName: 'AssumeRoleWithSAML', callerType: 'SAMLUser', kind: 'saml-not-authorized' }],
    0,
  ],
  [
    'several denials, each printed twice, and an S3 denial',
    F.SEVERAL,
    [
      {
        eventName: 'AssumeRole',
        callerType: 'IAMUser',
        callerArn: 'arn:aws:iam::111111111111:user/williams',
        roleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
        kind: 'not-authorized',
      },
      {
        eventName: 'AssumeRole',
        callerType: 'IAMUser',
        callerArn: 'arn:aws:iam::111111111111:user/alice',
        roleArn: F.ROLE,
        kind: 'not-authorized',
      },
    ],
    2,
  ],
];

describe('readErrorText: each tool format, with the noise of real logs', () => {
  it.each(TABLE)('%s', (_name, text, want, skipped) => {
    const out = readErrorText(text, 'run.log');
    expect(
      out.events.map((e) => ({
        ...(want[0]?.eventId === undefined ? {} : { eventId: e.eventId }),
        eventName: e.eventName,
        callerType: e.caller.type,
        ...(e.caller.arn === undefined ? {} : { callerArn: e.caller.arn }),
        ...(e.target.roleArn === undefined ? {} : { roleArn: e.target.roleArn }),
        kind: e.errorMessage.kind,
        ...(e.errorMessage.reason === undefined ? {} : { reason: e.errorMessage.reason }),
      })),
    ).toMatchObject(want.map(({ roleSource: _s, ...w }) => w));
    want.forEach((w, i) => {
      if (w.roleSource !== undefined) expect(out.events[i]?.target.source).toBe(w.roleSource);
    });
    expect(out.skipped).toHaveLength(skipped);
    for (const e of out.events) {
      // What a message does not carry is unknown, never guessed.
      expect(e.input).toBe('message');
      expect(e.eventTime).toBe('');
      expect(e.request).toEqual({ logged: false });
      expect(e.caller.mfaAuthenticated).toBeUndefined();
      expect(e.sourceIp).toBeUndefined();
      expect(e.origin).toMatchObject({
        file: 'run.log',
        path: expect.stringMatching(/^line \d+$/),
      });
    }
  });

  it('names the line of each message, and the repeat with the line of the first', () => {
    const out = readErrorText(F.SEVERAL, 'run.log');
    expect(out.events.map((e) => e.origin.path)).toEqual(['line 10', 'line 14']);
    expect(out.skipped.map((s) => s.reason)).toEqual([
      'line 25: the same message as line 10, explained once',
      'line 27: `AccessDenied` for the `GetObject` operation, not a role assumption',
    ]);
  });

  it('reads the GitHub OIDC caller as far as the log tells: issuer and audience, never the sub', () => {
    const [e] = readErrorText(F.GITHUB_ACTIONS_OIDC).events;
    expect(e?.caller.webIdentity).toEqual({
      provider: 'token.actions.githubusercontent.com',
      providerArn: 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
    });
  });

  it('identifies a message without a request id by a stable hash of it', () => {
    const a = readErrorText(F.AWS_CLI_V2).events[0];
    const b = readErrorText(`noise\n${F.AWS_CLI_V2}\nmore noise`).events[0];
    expect(a?.eventId).toMatch(/^message-[0-9a-f]{16}$/);
    expect(a?.eventId).toBe(b?.eventId);
    expect(a?.eventId).toBe(messageId(a?.errorMessage.raw ?? ''));
  });
});

describe('readErrorText: negatives', () => {
  it.each([
    ['only denials of other actions', F.OTHER_ACTIONS_ONLY, /access denied for `s3:PutObject`/],
    [
      'a log with no AccessDenied at all',
      'Terraform has been successfully initialized!\n',
      /no access-denied message/,
    ],
    [
      'binary noise',
      String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 131) % 256)),
      /no access-denied message/,
    ],
    [
      'a message cut before its action',
      'User: arn:aws:iam::111111111111:user/a is not authorized to perform:',
      /no access-denied message/,
    ],
  ])('%s: one InputError naming the file', (_name, text, message) => {
    let err: unknown;
    try {
      readErrorText(text, 'ci.log');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(message);
    expect((err as InputError).context.file).toBe('ci.log');
  });

  it('reads a multi-megabyte CI log in one pass and finds the denial at its end', () => {
    const noise = Array.from(
      { length: 60_000 },
      (_, i) =>
        `2026-03-02T09:${String(i % 60).padStart(2, '0')}:00.0000000Z [INFO] step ${i}: uploading artifact chunk ${i} of 60000 (arn:aws:s3:::bucket/key-${i})`,
    ).join('\n');
    expect(noise.length).toBeGreaterThan(5_000_000);
    const out = readErrorText(`${noise}\n${F.TERRAFORM_V5}`, 'big.log');
    expect(out.events.map((e) => e.target.roleArn)).toEqual([F.ROLE]);
    expect(out.events[0]?.origin.path).toBe('line 60017');
  });

  it('survives hostile text: huge lines, unterminated escapes, nested prefixes, no message', () => {
    const hostile = [
      `${'\u001b['.repeat(10_000)}User: ${'a'.repeat(200_000)}`,
      '│ │ │ ##[error]##[error] is not authorized to perform: '.repeat(5000),
      'User: \u202Earn:aws:iam::111111111111:user/x\u2066 is not authorized to perform: sts:AssumeRole',
    ].join('\n');
    const out = readErrorText(hostile);
    // The one real message, its bidirectional overrides gone (they could reorder what is shown).
    expect(out.events.map((e) => e.caller.arn)).toEqual(['arn:aws:iam::111111111111:user/x']);
    expect(out.events[0]?.target.source).toBe('none');
  });
});

describe('readInputText: detection', () => {
  it('reads JSON as records and anything else as text', () => {
    expect(readInputText(F.TERRAFORM_V5, 'tf.log').events[0]?.input).toBe('message');
    expect(() => readInputText('{"Records": [', 'ct.json')).toThrow(/not valid JSON at line 1/);
    expect(() => readInputText('hello', 'notes.txt')).toThrow(
      /not JSON, and no access-denied message of a role assumption/,
    );
  });
});

describe('cleanLogText', () => {
  it('strips colours, CRLF, timestamps and box prefixes, keeping indentation', () => {
    const c = cleanLogText(
      '2026-03-02T09:14:07.1Z   role-to-assume: x\r\n\u001b[31m│\u001b[0m Error: y\r\n##[error]z',
    );
    expect(c.text).toBe('  role-to-assume: x\nError: y\nz');
  });

  it('joins lines a terminal cut at its width, and only those', () => {
    const line = `Error: api error AccessDenied: User: ${F.CALLER} is not authorized to perform: sts:AssumeRole on resource: ${F.V6_ROLE}`;
    const pieces = [line.slice(0, 60), line.slice(60, 120), line.slice(120, 180), line.slice(180)];
    expect(pieces.map((p) => p.length).slice(0, 3)).toEqual([60, 60, 60]);
    const cut = cleanLogText([...pieces, 'done'].join('\n'));
    expect(cut.text).toBe(`${line}\ndone`);
    expect(cut.lineOfInput).toEqual([1, 5]);
    const long = cleanLogText(
      'one long line that ends in an ARN: arn:aws:iam::111111111111:policy/Deny\nexit status 1',
    );
    expect(long.text).toContain('policy/Deny\nexit');
  });
});
