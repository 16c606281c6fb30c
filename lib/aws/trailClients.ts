import { AccountClient } from '@aws-sdk/client-account';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { type AwsClientFactory, type Credentials, countCalls } from './clients.js';

/**
 * CloudTrail and Account clients, used only by `trustwatch backfill`. Kept out
 * of the main factory so the Lambda bundles never carry them.
 */
export interface TrailClientFactory {
  cloudTrail(region: string, credentials?: Credentials): CloudTrailClient;
  /** AWS Account Management (enabled regions), served from the partition's home region. */
  account(credentials?: Credentials): AccountClient;
}

/** Trail clients sharing the base factory's credentials, retries and call counter. */
export function createTrailClients(base: AwsClientFactory): TrailClientFactory {
  return {
    cloudTrail: (region, credentials) =>
      countCalls(new CloudTrailClient({ ...base.baseConfig(credentials), region }), base.counter),
    account: (credentials) =>
      countCalls(
        new AccountClient({ ...base.baseConfig(credentials), region: base.globalRegion }),
        base.counter,
      ),
  };
}
