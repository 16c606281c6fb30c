import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnapshotError } from '../../../lib/errors/TrustwatchError.js';
import { loadSnapshot } from '../../../lib/snapshot/loadSnapshot.js';

describe('loadSnapshot on arbitrary input', () => {
  it('either loads or fails with a one-line SnapshotError that has a path', () => {
    const account = fc.record(
      {
        RoleDetailList: fc.oneof(
          fc.jsonValue(),
          fc.array(
            fc.record({
              RoleName: fc.oneof(fc.string(), fc.jsonValue()),
              RoleId: fc.string(),
              Arn: fc.oneof(fc.constant('arn:aws:iam::111111111111:role/r'), fc.string()),
              AssumeRolePolicyDocument: fc.oneof(fc.jsonValue(), fc.string()),
            }),
            { maxLength: 3 },
          ),
        ),
        Policies: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            snapshotVersion: fc.constant(1),
            accounts: fc.dictionary(fc.constant('111111111111'), account),
          }),
        ),
        (doc) => {
          try {
            loadSnapshot(doc, 'f.json');
          } catch (err) {
            expect(err).toBeInstanceOf(SnapshotError);
            const e = err as SnapshotError;
            expect(typeof e.context.path).toBe('string');
            expect(e.message).not.toContain('\n');
          }
        },
      ),
    );
  });
});
