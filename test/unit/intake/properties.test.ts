import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../lib/errors/TrustwatchError.js';
import { parseErrorMessage } from '../../../lib/intake/parseErrorMessage.js';
import { readInput } from '../../../lib/intake/readInput.js';

/** Records that look like denied AssumeRole calls, with any value in any field. */
const deniedLike = fc.record(
  {
    eventSource: fc.constant('sts.amazonaws.com'),
    eventName: fc.constantFrom('AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML'),
    errorCode: fc.constant('AccessDenied'),
    eventID: fc.oneof(fc.string(), fc.jsonValue()),
    eventTime: fc.oneof(fc.string(), fc.jsonValue()),
    userIdentity: fc.oneof(
      fc.jsonValue(),
      fc.record({
        type: fc.oneof(
          fc.constantFrom('AssumedRole', 'IAMUser', 'WebIdentityUser', 'SAMLUser'),
          fc.jsonValue(),
        ),
        arn: fc.oneof(fc.string(), fc.jsonValue()),
        principalId: fc.oneof(fc.string(), fc.jsonValue()),
        userName: fc.oneof(fc.string(), fc.jsonValue()),
        identityProvider: fc.oneof(fc.string(), fc.jsonValue()),
        sessionContext: fc.jsonValue(),
      }),
    ),
    errorMessage: fc.oneof(fc.string(), fc.jsonValue()),
    requestParameters: fc.oneof(
      fc.constant(null),
      fc.jsonValue(),
      fc.dictionary(fc.string(), fc.jsonValue()),
    ),
    resources: fc.jsonValue(),
  },
  { requiredKeys: ['eventSource', 'eventName', 'errorCode'] },
);

describe('intake never loses or crashes on a record', () => {
  it('every element of Records becomes exactly one event or one skipped record', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue(), deniedLike), { maxLength: 5 }), (records) => {
        const result = readInput({ Records: records });
        expect(result.events.length + result.skipped.length).toBe(records.length);
        for (const s of result.skipped) expect(s.reason).not.toContain('\n');
      }),
    );
  });

  it('any JSON document either reads or fails with an InputError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        try {
          readInput(doc);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
    );
  });

  it('parseErrorMessage never throws and always keeps the raw text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .string()
            .map((s) => `User: ${s} is not authorized to perform: ${s} on resource: ${s} ${s}`),
          fc
            .string()
            .map(
              (s) =>
                `User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole because no ${s}`,
            ),
        ),
        (msg) => {
          const parsed = parseErrorMessage(msg);
          expect(parsed.raw).toBe(msg);
        },
      ),
    );
  });
});
