import { describe, expect, it } from 'vitest';
import {
  ARN_PARTS_LIMIT,
  parseIamPrincipalArn,
  parseRoleArn,
} from '../../../lib/iam/parseIamArn.js';

/** IAM UG, "IAM identifiers": `arn:<partition>:iam::<account>:<type>/<path/><name>`. */
describe('IAM ARNs', () => {
  it('takes role and principal ARNs apart, path included', () => {
    expect(parseRoleArn('arn:aws:iam::111111111111:role/team/ci/deploy')).toMatchObject({
      arn: 'arn:aws:iam::111111111111:role/team/ci/deploy',
      partition: 'aws',
      accountId: '111111111111',
      path: '/team/ci/',
      name: 'deploy',
    });
    expect(parseIamPrincipalArn('arn:aws-us-gov:iam::111111111111:user/alice')).toMatchObject({
      partition: 'aws-us-gov',
      resourceType: 'user',
      path: '/',
      name: 'alice',
    });
    expect(parseRoleArn('arn:aws:iam::111111111111:user/alice')).toBeUndefined();
    expect(parseRoleArn('arn:aws:sts::111111111111:assumed-role/deploy/s')).toBeUndefined();
    expect(parseIamPrincipalArn('arn:aws:iam::1111:role/x')).toBeUndefined();
  });

  it('parses each text once (the parts are shared) and stays right past the cache bound', () => {
    const arn = 'arn:aws:iam::222222222222:role/deploy';
    expect(parseRoleArn(arn)).toBe(parseIamPrincipalArn(arn));
    expect(Object.isFrozen(parseRoleArn(arn))).toBe(true);
    for (let i = 0; i < ARN_PARTS_LIMIT + 10; i++) {
      expect(parseRoleArn(`arn:aws:iam::222222222222:role/r-${i}`)?.name).toBe(`r-${i}`);
    }
    expect(parseRoleArn(arn)?.name).toBe('deploy');
    expect(parseRoleArn('not an arn')).toBeUndefined();
  });
});
