import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainOutputSchema } from '../../../lib/diagnosis/schema/explainOutputSchema.js';
import { explainAll } from '../../../lib/explain/explainEvent.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';

const EVENTS = join(import.meta.dirname, '../../../events');
const samples = readdirSync(EVENTS)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(EVENTS, f), 'utf8')) as Record<string, unknown>);
const source = new SnapshotStateSource(demoSnapshot());

const FIELDS = [
  ['detail', 'userIdentity', 'arn'],
  ['detail', 'userIdentity', 'type'],
  ['detail', 'userIdentity', 'accountId'],
  ['detail', 'userIdentity', 'principalId'],
  ['detail', 'userIdentity', 'sessionContext'],
  ['detail', 'userIdentity', 'identityProvider'],
  ['detail', 'errorMessage'],
  ['detail', 'requestParameters'],
  ['detail', 'sourceIPAddress'],
  ['detail', 'eventTime'],
  ['detail', 'recipientAccountId'],
] as const;

const CALLER_TYPES = [
  'Root',
  'AWSService',
  'FederatedUser',
  'IdentityCenterUser',
  'Unknown',
  'AWSAccount',
];

function mutate(
  sample: Record<string, unknown>,
  drop: boolean[],
  type: number,
  roleArn: string,
): unknown {
  const e = structuredClone(sample) as Record<string, Record<string, Record<string, unknown>>>;
  FIELDS.forEach((path, i) => {
    if (!drop[i]) return;
    let o: Record<string, unknown> | undefined = e as Record<string, unknown>;
    for (const k of path.slice(0, -1)) o = o?.[k] as Record<string, unknown> | undefined;
    if (o) delete o[path[path.length - 1] as string];
  });
  if (type >= 0 && e.detail?.userIdentity)
    e.detail.userIdentity.type = CALLER_TYPES[type % CALLER_TYPES.length];
  if (roleArn !== '' && e.detail) e.detail.requestParameters = { roleArn, roleSessionName: 's' };
  return e;
}

describe('diagnosis robustness', () => {
  it('never throws and always yields schema-valid output, whatever fields an event lacks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(samples.length - 1),
        fc.array(fc.boolean(), { minLength: FIELDS.length, maxLength: FIELDS.length }),
        fc.integer({ min: -1, max: 10 }),
        fc.constantFrom(
          '',
          'arn:aws:iam::222222222222:role/DeployRole',
          'arn:aws:iam::666666666666:role/X',
          'arn:aws:iam::123456789012:role/path/Y',
          'arn:aws:iam::222222222222:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS',
        ),
        async (i, drop, type, roleArn) => {
          const intake = readInput(mutate(samples[i]!, drop, type, roleArn), 'fuzz.json');
          const out = await explainAll(intake, source);
          const doc = { state: { kind: 'demo', label: 'demo-snapshot.json' }, ...out };
          expect(explainOutputSchema.safeParse(JSON.parse(JSON.stringify(doc))).success).toBe(true);
          for (const d of out.diagnoses) {
            expect(d.causes.length).toBeGreaterThan(0);
            for (const f of d.fixes) expect(f.verified).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 20261124 },
    );
  });
});
