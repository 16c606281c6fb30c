import { describe, expect, it } from 'vitest';
import { formatErrorLine, InputError } from '../../../lib/errors/TrustwatchError.js';
import type { DenialEvent, IntakeResult } from '../../../lib/intake/DenialEvent.js';
import { readInput, readInputText } from '../../../lib/intake/readInput.js';

const ROLE = 'arn:aws:iam::222222222222:role/DeployRole';
const SESSION = 'arn:aws:sts::111111111111:assumed-role/ci-deployer/build-42';

type Json = Record<string, unknown>;

/** A denied cross-account AssumeRole by an assumed-role session, as CloudTrail logs it. */
function record(overrides: Json = {}): Json {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLECIDEPLOY1:build-42',
      arn: SESSION,
      accountId: '111111111111',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLECIDEPLOY1',
          arn: 'arn:aws:iam::111111111111:role/ci-deployer',
          accountId: '111111111111',
          userName: 'ci-deployer',
        },
        attributes: { creationDate: '2026-03-02T08:55:10Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: '2026-03-02T09:14:07Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '10.20.4.117',
    userAgent: 'aws-cli/2.17.40',
    errorCode: 'AccessDenied',
    errorMessage: `User: ${SESSION} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
    requestParameters: null,
    responseElements: null,
    eventID: 'e0f1a2b3-0001-4c5d-9e6f-7a8b9c0d1e01',
    recipientAccountId: '111111111111',
    ...overrides,
  };
}

function envelope(detail: unknown, overrides: Json = {}): Json {
  return {
    version: '0',
    id: 'b7c1f2d4-3e5a-4b6c-8d7e-9f0a1b2c3d01',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.sts',
    account: '111111111111',
    time: '2026-03-02T09:14:07Z',
    region: 'eu-west-1',
    resources: [],
    detail,
    ...overrides,
  };
}

function only(result: IntakeResult): DenialEvent {
  expect(result.skipped).toEqual([]);
  expect(result.events).toHaveLength(1);
  return result.events[0]!;
}

describe('readInput: input shapes', () => {
  const rec = record();
  const shapes: readonly [string, unknown, string][] = [
    ['an EventBridge event', envelope(rec), 'detail'],
    ['a bare CloudTrail record', rec, ''],
    [
      'a CloudTrail log file',
      { Records: [record({ eventName: 'GetCallerIdentity' }), rec] },
      'Records[1]',
    ],
    [
      'lookup-events output',
      { Events: [{ EventId: 'x', EventName: 'AssumeRole', CloudTrailEvent: JSON.stringify(rec) }] },
      'Events[0].CloudTrailEvent',
    ],
    ['an array of events', [envelope(rec)], '[0].detail'],
    ['nested arrays', [[[rec]]], '[0][0][0]'],
    ['an array mixing shapes', [{ Records: [] }, [rec]], '[1][0]'],
  ];

  it.each(shapes)('reads %s', (_name, input, path) => {
    const result = readInput(input, 'in.json');
    expect(result.events).toHaveLength(1);
    const event = result.events[0]!;
    expect(event.origin).toEqual({ file: 'in.json', path });
    expect(event.eventId).toBe('e0f1a2b3-0001-4c5d-9e6f-7a8b9c0d1e01');
    expect(event.target.roleArn).toBe(ROLE);
  });

  it('reads every record of a log file and an array of envelopes, in order', () => {
    const result = readInput([
      envelope(record({ eventID: 'a' })),
      { Records: [record({ eventID: 'b' }), record({ eventID: 'c' })] },
    ]);
    expect(result.events.map((e) => e.eventId)).toEqual(['a', 'b', 'c']);
  });

  it('takes the event id from the envelope or lookup entry when the record has none', () => {
    const { eventID: _drop, ...noId } = record();
    expect(only(readInput(envelope(noId))).eventId).toBe('b7c1f2d4-3e5a-4b6c-8d7e-9f0a1b2c3d01');
    expect(
      only(readInput({ Events: [{ EventId: 'lookup-id', CloudTrailEvent: JSON.stringify(noId) }] }))
        .eventId,
    ).toBe('lookup-id');
  });

  it('accepts an embedded CloudTrailEvent that is already an object', () => {
    expect(only(readInput({ Events: [{ CloudTrailEvent: record() }] })).target.roleArn).toBe(ROLE);
  });

  it.each([
    ['an empty log file', { Records: [] }],
    ['an empty lookup', { Events: [] }],
    ['an empty array', []],
    ['an array of empty arrays', [[], []]],
  ])('returns nothing, without error, for %s', (_name, input) => {
    expect(readInput(input)).toEqual({ events: [], skipped: [] });
  });
});

describe('readInput: unusable input', () => {
  it.each([
    ['an object with no record', { hello: 'world' }, '$', 'an object with key `hello`'],
    ['a string', 'AssumeRole', '$', 'a string'],
    ['null', null, '$', 'null'],
    ['a number', 42, '$', 'a number'],
    ['an array of junk', [1, { a: 1 }], '[0]', 'a number'],
  ])('throws InputError for %s', (_name, input, path, got) => {
    let caught: unknown;
    try {
      readInput(input, 'junk.json');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    const err = caught as InputError;
    expect(err.message).toBe(
      `no cloudtrail record found: expected an eventbridge event, a cloudtrail record, a log file \`{"Records": […]}\` or lookup-events output \`{"Events": […]}\`, got ${got}`,
    );
    expect(err.context).toEqual({ file: 'junk.json', path });
    expect(formatErrorLine(err)).not.toContain('\n');
  });

  it('skips junk elements beside real records instead of failing', () => {
    const result = readInput([record(), 'junk', { a: 1 }]);
    expect(result.events).toHaveLength(1);
    expect(result.skipped).toEqual([
      {
        reason:
          '`[1]`: expected an eventbridge event, a cloudtrail record, a log file `{"Records": […]}` or lookup-events output `{"Events": […]}`, got a string',
        origin: { path: '[1]' },
      },
      {
        reason:
          '`[2]`: expected an eventbridge event, a cloudtrail record, a log file `{"Records": […]}` or lookup-events output `{"Events": […]}`, got an object with key `a`',
        origin: { path: '[2]' },
      },
    ]);
  });
});

describe('readInputText', () => {
  it('parses JSON text', () => {
    expect(only(readInputText(JSON.stringify(envelope(record())), 'e.json')).eventName).toBe(
      'AssumeRole',
    );
  });

  it('accepts a byte-order mark', () => {
    expect(readInputText(`\ufeff${JSON.stringify(record())}`).events).toHaveLength(1);
  });

  it.each([
    ['{\n  "Records": [\n    {"a": 1},\n  ]\n}', 4, 3],
    ['[1, 2', 1, 6],
  ])('names file, line and column of invalid JSON %j', (text, line, column) => {
    let caught: unknown;
    try {
      readInputText(text, 'bad.json');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    const err = caught as InputError;
    expect(err.message).toMatch(
      new RegExp(`^input is not valid JSON at line ${line}, column ${column}: `),
    );
    expect(err.context.file).toBe('bad.json');
    expect(formatErrorLine(err)).toContain('file `bad.json`');
    expect(formatErrorLine(err)).not.toContain('\n');
  });

  it('says an empty file is empty', () => {
    expect(() => readInputText('  \n', 'empty.json')).toThrow(/^input is empty$/);
  });
});

describe('readInput: skipped records', () => {
  const cases: readonly [string, Json, string][] = [
    [
      'another service',
      record({ eventSource: 's3.amazonaws.com' }),
      'not an sts call (eventSource `s3.amazonaws.com`)',
    ],
    ['no eventSource', record({ eventSource: undefined }), 'not an sts call (no eventSource)'],
    [
      'another STS call',
      record({ eventName: 'GetCallerIdentity' }),
      'not a role assumption (`GetCallerIdentity`)',
    ],
    [
      'a successful AssumeRole',
      record({ errorCode: undefined }),
      'not denied (`AssumeRole` succeeded)',
    ],
    [
      'a non-policy failure',
      record({ eventName: 'AssumeRoleWithWebIdentity', errorCode: 'InvalidIdentityToken' }),
      'not denied by a policy (errorCode `InvalidIdentityToken`)',
    ],
    [
      'a record with userIdentity missing',
      record({ userIdentity: undefined }),
      'denied `AssumeRole` cannot be read: `userIdentity`: missing required key',
    ],
    [
      'a record with userIdentity not an object',
      record({ userIdentity: 'root' }),
      'denied `AssumeRole` cannot be read: `userIdentity`: expected an object, got a string',
    ],
    [
      'a record with eventTime not a string',
      record({ eventTime: 1_700_000_000 }),
      'denied `AssumeRole` cannot be read: `eventTime`: expected a string, got a number',
    ],
    [
      'a record with a wrongly typed nested field',
      record({ requestParameters: { roleArn: ROLE, durationSeconds: true } }),
      'denied `AssumeRole` cannot be read: `requestParameters.durationSeconds`: expected a number or a string, got a boolean',
    ],
    [
      'a record with eventName not a string',
      record({ eventName: ['AssumeRole'] }),
      '`eventName`: expected a string, got an array',
    ],
  ];

  it.each(cases)('skips %s with a reason', (_name, rec, reason) => {
    const result = readInput(rec, 'x.json');
    expect(result.events).toEqual([]);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]?.reason).toBe(reason);
    expect(result.skipped[0]?.origin).toEqual({ file: 'x.json', path: '' });
  });

  it('names the full JSON path of a malformed record inside a log file, and keeps the others', () => {
    const result = readInput(
      {
        Records: [
          record({ eventID: 'a' }),
          record({ eventID: 'b' }),
          record({ eventID: 'c', userIdentity: null }),
        ],
      },
      'trail.json',
    );
    expect(result.events.map((e) => e.eventId)).toEqual(['a', 'b']);
    expect(result.skipped).toEqual([
      {
        eventId: 'c',
        reason:
          'denied `AssumeRole` cannot be read: `Records[2].userIdentity`: expected an object, got null',
        origin: { file: 'trail.json', path: 'Records[2]' },
      },
    ]);
  });

  it('skips an unparsable embedded CloudTrailEvent with its path, keeping the rest', () => {
    const result = readInput({
      Events: [
        { EventId: 'bad', CloudTrailEvent: '{"eventName": "AssumeRole",' },
        { EventId: 'good', CloudTrailEvent: JSON.stringify(record()) },
      ],
    });
    expect(result.events).toHaveLength(1);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toMatchObject({
      eventId: 'bad',
      origin: { path: 'Events[0].CloudTrailEvent' },
    });
    expect(result.skipped[0]?.reason).toBe(
      '`Events[0].CloudTrailEvent`: not valid JSON at line 1, column 28: unexpected end of input, expected a string',
    );
  });

  it('skips a lookup entry without CloudTrailEvent', () => {
    const result = readInput({ Events: [{ EventId: 'e1' }] });
    expect(result.skipped).toEqual([
      {
        eventId: 'e1',
        reason: '`Events[0].CloudTrailEvent`: missing required key',
        origin: { path: 'Events[0].CloudTrailEvent' },
      },
    ]);
  });

  it('skips an EventBridge event of another detail-type', () => {
    const result = readInput(envelope({}, { 'detail-type': 'AWS Console Sign In via CloudTrail' }));
    expect(result.skipped).toEqual([
      {
        eventId: 'b7c1f2d4-3e5a-4b6c-8d7e-9f0a1b2c3d01',
        reason:
          'eventbridge event of type `AWS Console Sign In via CloudTrail` is not a cloudtrail api call',
        origin: { path: '' },
      },
    ]);
  });

  it('skips an envelope whose detail is not an object', () => {
    const result = readInput(envelope('nope'));
    expect(result.skipped[0]?.reason).toBe('`detail`: expected a cloudtrail record object');
  });

  it('skips a denied record with no event id anywhere, naming the path', () => {
    const { eventID: _drop, ...noId } = record();
    const result = readInput({ Records: [noId] });
    expect(result.skipped[0]?.reason).toBe(
      'denied `AssumeRole` cannot be read: `Records[0].eventID`: missing required key',
    );
  });

  it.each(['AccessDenied', 'AccessDeniedException', 'Client.AccessDenied'])(
    'accepts errorCode %s as a denial',
    (errorCode) => {
      expect(only(readInput(record({ errorCode }))).errorCode).toBe(errorCode);
    },
  );

  it('accepts an MFA failure reported as AccessDenied', () => {
    const event = only(
      readInput(
        record({
          errorMessage: 'MultiFactorAuthentication failed with invalid MFA one time pass code.',
        }),
      ),
    );
    expect(event.errorMessage.mfaFailure).toBe('invalid-code');
    expect(event.target).toEqual({ source: 'none' });
  });
});

describe('readInput: target role', () => {
  const OTHER = 'arn:aws:iam::222222222222:role/FromResources';
  it.each([
    [
      'requestParameters.roleArn first',
      record({
        requestParameters: { roleArn: 'arn:aws:iam::222222222222:role/ops/FromParams' },
        resources: [{ ARN: OTHER }],
      }),
      'arn:aws:iam::222222222222:role/ops/FromParams',
      'requestParameters',
    ],
    ['then the errorMessage', record({ resources: [{ ARN: OTHER }] }), ROLE, 'errorMessage'],
    [
      'then resources[].ARN',
      record({
        errorMessage: 'Access denied',
        resources: [
          { ARN: 'arn:aws:iam::222222222222:user/x', type: 'AWS::IAM::User' },
          { ARN: OTHER, accountId: '222222222222', type: 'AWS::IAM::Role' },
        ],
      }),
      OTHER,
      'resources',
    ],
  ] as const)('%s', (_name, rec, roleArn, source) => {
    const event = only(readInput(rec));
    expect(event.target.roleArn).toBe(roleArn);
    expect(event.target.source).toBe(source);
  });

  it('parses the role name, path and account', () => {
    const arn =
      'arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123';
    expect(only(readInput(record({ requestParameters: { roleArn: arn } }))).target).toEqual({
      roleArn: arn,
      accountId: '222222222222',
      roleName: 'AWSReservedSSO_Admin_0123',
      rolePath: '/aws-reserved/sso.amazonaws.com/',
      source: 'requestParameters',
    });
  });

  it('ignores a roleArn that is not a role ARN and falls back to the message', () => {
    const event = only(readInput(record({ requestParameters: { roleArn: 'DeployRole' } })));
    expect(event.target.source).toBe('errorMessage');
    expect(event.target.roleArn).toBe(ROLE);
  });

  it('has no target when nothing names a role', () => {
    expect(only(readInput(record({ errorMessage: undefined }))).target).toEqual({ source: 'none' });
  });
});

describe('readInput: request parameters', () => {
  it('marks the request as not logged when requestParameters is null or absent', () => {
    expect(only(readInput(record())).request).toEqual({ logged: false });
    expect(only(readInput(record({ requestParameters: undefined }))).request).toEqual({
      logged: false,
    });
  });

  it('reads every logged field', () => {
    const event = only(
      readInput(
        record({
          requestParameters: {
            roleArn: ROLE,
            roleSessionName: 'build-42',
            externalId: 'tenant-1',
            serialNumber: 'arn:aws:iam::111111111111:mfa/bob',
            durationSeconds: '3600',
            tags: [
              { key: 'team', value: 'payments' },
              { Key: 'env', Value: 'prod' },
            ],
            transitiveTagKeys: ['team'],
            sourceIdentity: 'alice',
            policyArns: [{ arn: 'arn:aws:iam::111111111111:policy/Narrow' }],
            policy: '{"Version":"2012-10-17","Statement":[]}',
            tokenCode: 'never-logged-but-ignored',
          },
        }),
      ),
    );
    expect(event.request).toEqual({
      logged: true,
      roleSessionName: 'build-42',
      externalId: 'tenant-1',
      serialNumber: 'arn:aws:iam::111111111111:mfa/bob',
      durationSeconds: 3600,
      tags: [
        { key: 'team', value: 'payments' },
        { key: 'env', value: 'prod' },
      ],
      transitiveTagKeys: ['team'],
      sourceIdentity: 'alice',
      policyArns: ['arn:aws:iam::111111111111:policy/Narrow'],
      policy: '{"Version":"2012-10-17","Statement":[]}',
    });
  });

  it('reads web identity and SAML request fields', () => {
    const event = only(
      readInput(
        record({
          eventName: 'AssumeRoleWithSAML',
          requestParameters: {
            roleArn: ROLE,
            principalArn: 'arn:aws:iam::222222222222:saml-provider/ExampleIdP',
            providerId: 'www.amazon.com',
          },
        }),
      ),
    );
    expect(event.request).toEqual({
      logged: true,
      principalArn: 'arn:aws:iam::222222222222:saml-provider/ExampleIdP',
      providerId: 'www.amazon.com',
    });
  });
});

describe('readInput: event fields', () => {
  it('copies region, recording account, source IP, user agent and VPC endpoint', () => {
    const event = only(readInput(record({ vpcEndpointId: 'vpce-0123456789abcdef0' })));
    expect(event).toMatchObject({
      eventName: 'AssumeRole',
      eventTime: '2026-03-02T09:14:07Z',
      awsRegion: 'eu-west-1',
      recordedInAccount: '111111111111',
      sourceIp: '10.20.4.117',
      userAgent: 'aws-cli/2.17.40',
      vpcEndpointId: 'vpce-0123456789abcdef0',
      errorCode: 'AccessDenied',
    });
    expect(event.errorMessage.kind).toBe('not-authorized');
  });

  it('keeps attacker-controlled strings verbatim', () => {
    const nasty = '<!channel> *bold* `code` <https://evil.example|click>';
    const event = only(
      readInput(record({ userAgent: nasty, requestParameters: { roleSessionName: nasty } })),
    );
    expect(event.userAgent).toBe(nasty);
    expect(event.request.roleSessionName).toBe(nasty);
  });
});
