import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  ForwardRuleState,
  TrailState,
} from '../../../lib/audit/blindspots/BlindSpotReader.js';
import { checkBlindSpots } from '../../../lib/audit/blindspots/checkBlindSpots.js';
import { evaluateBlindSpots } from '../../../lib/audit/blindspots/evaluateBlindSpots.js';
import {
  liveBlindSpotReader,
  recordsReadManagementEvents,
} from '../../../lib/audit/blindspots/liveBlindSpotReader.js';
import type { Readable } from '../../../lib/state/IamStateSource.js';

const ok = <T>(value: T): Readable<T> => ({ ok: true, value });
const RULE = 'trustwatch-forward-assume-role-denials';
const trail = (over: Partial<TrailState> = {}): TrailState => ({
  arn: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/main',
  name: 'main',
  homeRegion: 'us-east-1',
  isMultiRegion: false,
  isOrganizationTrail: false,
  isLogging: true,
  readManagementEvents: true,
  ...over,
});
const rule = (state: ForwardRuleState['state'], region = 'us-east-1') => ok({ region, state });

describe('evaluateBlindSpots (pure)', () => {
  it.each([
    [
      'healthy: rule with all management events, trail logging reads',
      rule('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'),
      [trail()],
      [],
    ],
    ['no rule', rule(null), [trail()], ['FORWARD_RULE_MISSING']],
    ['rule disabled', rule('DISABLED'), [trail()], ['FORWARD_RULE_DISABLED']],
    [
      'rule ENABLED only: STS read-only events never reach it',
      rule('ENABLED'),
      [trail()],
      ['FORWARD_RULE_SKIPS_READ_ONLY_EVENTS'],
    ],
    [
      'no trail at all',
      rule('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'),
      [],
      ['NO_TRAIL_LOGGING_MANAGEMENT_EVENTS'],
    ],
    [
      'trail stopped',
      rule('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'),
      [trail({ isLogging: false })],
      ['NO_TRAIL_LOGGING_MANAGEMENT_EVENTS'],
    ],
    [
      'write-only trail',
      rule('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'),
      [trail({ readManagementEvents: false })],
      ['NO_TRAIL_LOGGING_MANAGEMENT_EVENTS'],
    ],
    [
      'trail of another region, single-region',
      rule('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'),
      [trail({ homeRegion: 'eu-west-1' })],
      ['NO_TRAIL_LOGGING_MANAGEMENT_EVENTS'],
    ],
    [
      'multi-region trail of another region',
      rule('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'),
      [trail({ homeRegion: 'eu-west-1', isMultiRegion: true })],
      [],
    ],
    [
      'organization trail from the management account',
      rule('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'),
      [
        trail({
          isOrganizationTrail: true,
          homeRegion: 'eu-west-1',
          arn: 'arn:aws:cloudtrail:eu-west-1:444444444444:trail/org',
        }),
      ],
      [],
    ],
    [
      'status unreadable',
      rule('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'),
      [trail({ isLogging: undefined })],
      ['TRAIL_STATUS_UNKNOWN'],
    ],
  ] as const)('%s', (_name, r, trails, codes) => {
    const spots = evaluateBlindSpots('111111111111', RULE, [
      { region: 'us-east-1', rule: r, trails: ok(trails) },
    ]);
    expect(spots.map((s) => s.code)).toEqual(codes);
  });

  it('an unreadable account is reported per check, not thrown', () => {
    const spots = evaluateBlindSpots('111111111111', RULE, [
      {
        region: 'us-east-1',
        rule: { ok: false, reason: 'denied' },
        trails: { ok: false, reason: 'denied' },
      },
    ]);
    expect(spots.map((s) => s.code)).toEqual(['UNREADABLE', 'UNREADABLE']);
  });
});

describe('recordsReadManagementEvents', () => {
  it.each([
    [undefined, undefined, true],
    [[{ ReadWriteType: 'All', IncludeManagementEvents: true }], undefined, true],
    [[{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }], undefined, true],
    [[{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }], undefined, false],
    [[{ ReadWriteType: 'All', IncludeManagementEvents: false }], undefined, false],
    [undefined, [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }], true],
    [
      undefined,
      [
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'readOnly', Equals: ['false'] },
          ],
        },
      ],
      false,
    ],
    [undefined, [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] }], false],
  ] as const)('%j %j → %s', (basic, advanced, expected) => {
    expect(recordsReadManagementEvents(basic as never, advanced as never)).toBe(expected);
  });
});

describe('liveBlindSpotReader (SDK mocked)', () => {
  const eb = mockClient(EventBridgeClient);
  const ct = mockClient(CloudTrailClient);
  afterEach(() => {
    eb.reset();
    ct.reset();
  });
  const creds = async () => ok({ accessKeyId: 'a', secretAccessKey: 'b' });

  it('reads the rule and every trail, organization trails by ARN in their home region', async () => {
    eb.on(DescribeRuleCommand).rejects(
      Object.assign(new Error('Rule x does not exist'), { name: 'ResourceNotFoundException' }),
    );
    ct.on(DescribeTrailsCommand).resolves({
      trailList: [
        {
          Name: 'org',
          TrailARN: 'arn:aws:cloudtrail:eu-west-1:444444444444:trail/org',
          HomeRegion: 'eu-west-1',
          IsMultiRegionTrail: true,
          IsOrganizationTrail: true,
        },
      ],
    });
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    ct.on(GetEventSelectorsCommand).resolves({
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
    });
    const reader = liveBlindSpotReader({ credentials: creds });
    const spots = await checkBlindSpots(reader, '111111111111', ['us-east-1'], RULE);
    expect(spots.map((s) => s.code)).toEqual(['FORWARD_RULE_MISSING']);
    expect(eb).toHaveReceivedCommandWith(DescribeRuleCommand, {
      Name: RULE,
      EventBusName: 'default',
    });
    expect(ct).toHaveReceivedCommandWith(GetTrailStatusCommand, {
      Name: 'arn:aws:cloudtrail:eu-west-1:444444444444:trail/org',
    });
    expect(ct).toHaveReceivedCommandWith(DescribeTrailsCommand, { includeShadowTrails: true });
  });

  it('turns refused reads into UNREADABLE and unreadable trail status into TRAIL_STATUS_UNKNOWN', async () => {
    eb.on(DescribeRuleCommand).rejects(
      Object.assign(new Error('no'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    ct.on(DescribeTrailsCommand).resolves({
      trailList: [
        {
          Name: 'main',
          TrailARN: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/main',
          HomeRegion: 'us-east-1',
        },
      ],
    });
    ct.on(GetTrailStatusCommand).rejects(new Error('denied'));
    ct.on(GetEventSelectorsCommand).resolves({});
    const spots = await checkBlindSpots(
      liveBlindSpotReader({ credentials: creds }),
      '111111111111',
      ['us-east-1'],
      RULE,
    );
    expect(spots.map((s) => s.code)).toEqual(['UNREADABLE', 'TRAIL_STATUS_UNKNOWN']);
  });

  it('an account without reader credentials is unreadable, with the reason', async () => {
    const reader = liveBlindSpotReader({
      credentials: async () => ({ ok: false, reason: 'cannot assume reader role' }),
    });
    const spots = await checkBlindSpots(reader, '111111111111', ['us-east-1', 'eu-west-1'], RULE);
    expect(spots).toHaveLength(4);
    expect(
      spots.every(
        (s) => s.code === 'UNREADABLE' && s.summary.includes('cannot assume reader role'),
      ),
    ).toBe(true);
  });
});
