import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DestinationMessage } from '../../../lib/alerts/destinations/destinationPublisher.js';
import { routedDigestSink, splitDigest } from '../../../lib/alerts/destinations/routeDigest.js';
import type { StoredFinding } from '../../../lib/findings/AuditRun.js';
import type { AuditDigest } from '../../../lib/findings/buildDigest.js';
import type { Severity } from '../../../lib/findings/findingCodes.js';
import { readRoutingText } from '../../../lib/routing/parseRoutingTable.js';
import type { Destination } from '../../../lib/routing/RoutingTable.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { taggedDemoSnapshot } from '../../support/taggedDemo.js';

const routesFile = resolve(import.meta.dirname, '../../../lib/deploy/examples/routes.json');
const table = readRoutingText(readFileSync(routesFile, 'utf8'), routesFile);
const source = new SnapshotStateSource(taggedDemoSnapshot());

const finding = (roleArn: string, severity: Severity): StoredFinding => {
  const accountId = roleArn.split(':')[4] as string;
  return {
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    severity,
    roleArn,
    roleName: roleArn.split('/').pop() as string,
    accountId,
    evidence: { statementIndex: 0 },
    summary: `finding on ${roleArn}`,
    fingerprint: `fp-${roleArn}`,
  };
};

const analytics = finding('arn:aws:iam::222222222222:role/AnalyticsReader', 'high');
const deploy = finding('arn:aws:iam::222222222222:role/DeployRole', 'medium');
const legacy = finding('arn:aws:iam::666666666666:role/LegacyAdmin', 'critical');
const breakGlass = finding('arn:aws:iam::222222222222:role/BreakGlassAdmin', 'low');

const digest: AuditDigest = {
  runId: '2026-12-07T05:17:00Z-abc',
  previousRunId: '2026-12-06T05:17:00Z-abc',
  startedAt: '2026-12-07T05:17:00Z',
  accountsAudited: 5,
  accountsFailed: [{ accountId: '666666666666', error: 'cannot assume reader role' }],
  rolesAudited: 40,
  new: [analytics, legacy],
  resolved: [deploy],
  stillOpen: [breakGlass],
  openBySeverity: { critical: 1, high: 1, medium: 0, low: 1, info: 0 },
  blindSpots: [
    {
      code: 'FORWARD_RULE_MISSING',
      severity: 'high',
      accountId: '111111111111',
      region: 'eu-west-1',
      summary: 'no rule',
    },
  ],
  suppressed: 0,
};

describe('the audit digest split by the routing table', () => {
  it("gives each team its roles' new, resolved and open findings, and its accounts", async () => {
    const split = await splitDigest(table, digest, source);
    expect([...split.keys()].sort()).toEqual([
      'data',
      'data-oncall',
      'payments',
      'platform',
      'security',
    ]);
    expect(split.get('data')).toMatchObject({
      new: [analytics],
      resolved: [],
      stillOpen: [],
      blindSpots: [],
    });
    expect(split.get('data')?.openBySeverity).toEqual({
      critical: 0,
      high: 1,
      medium: 0,
      low: 0,
      info: 0,
    });
    // Payments owns account 666666666666 (account tag): its role's finding and its audit failure.
    expect(split.get('payments')).toMatchObject({
      new: [legacy],
      accountsFailed: [{ accountId: '666666666666' }],
    });
    // Platform is the default: DeployRole's resolved finding, the break-glass role, the blind spot.
    expect(split.get('platform')).toMatchObject({
      new: [],
      resolved: [deploy],
      stillOpen: [breakGlass],
      blindSpots: [{ accountId: '111111111111' }],
    });
    // Security also sees the break-glass role.
    expect(split.get('security')).toMatchObject({ new: [], resolved: [], stillOpen: [breakGlass] });
  });

  it('delivers one message per team and names the failing destinations', async () => {
    const sent: { destination: string; message: DestinationMessage }[] = [];
    const sink = routedDigestSink(
      table,
      async () => source,
      async (d: Destination, message) => {
        if (d.name === 'security') throw new Error('channel_not_found');
        sent.push({ destination: d.name, message });
      },
    );
    await expect(sink.deliver(digest)).rejects.toThrow(
      /team digests not delivered \(security: channel_not_found\)/,
    );
    expect(sent.map((s) => s.destination).sort()).toEqual([
      'data',
      'data-oncall',
      'payments',
      'platform',
    ]);
    const data = sent.find((s) => s.destination === 'data')?.message;
    expect(data?.kind).toBe('audit-digest');
    expect(data?.slack.text).toContain('1 new, 0 resolved');
    expect(JSON.parse(data?.json ?? '{}').new).toHaveLength(1);
  });
});
