import { type CallCounter, createCallCounter, createClientFactory } from '../../aws/clients.js';
import {
  createLiveStateSource,
  type LiveIamStateSource,
  type LiveSourceOptions,
} from '../../aws/createLiveStateSource.js';
import { LiveStateSource } from '../../aws/LiveStateSource.js';
import { ConfigError } from '../../errors/TrustwatchError.js';
import type { IamStateSource } from '../../state/IamStateSource.js';
import type { BlindSpotReader } from '../blindspots/BlindSpotReader.js';
import { liveBlindSpotReader } from '../blindspots/liveBlindSpotReader.js';
import { withAuthorizationDetails } from './authorizationDetailsSource.js';

export interface LiveAuditSources {
  /** Roles come from GetAccountAuthorizationDetails (tags and last use included). */
  readonly source: IamStateSource;
  /** The underlying live source (reader-role sessions, Organizations). */
  readonly live: LiveIamStateSource;
  readonly blindSpots: BlindSpotReader;
  /** Every AWS operation sent (IAM, STS, Organizations, EventBridge, CloudTrail). */
  readonly counter: CallCounter;
}

/**
 * The live state source and blind-spot reader of an audit, sharing one call
 * counter and the reader-role sessions. Loaded only by `--live` and the AWS
 * functions (it pulls in the SDK).
 */
export async function createLiveAuditSources(
  opts: Omit<LiveSourceOptions, 'clients' | 'counter' | 'purpose'>,
): Promise<LiveAuditSources> {
  const counter = createCallCounter();
  const clients = createClientFactory({
    ...(opts.region === undefined ? {} : { region: opts.region }),
    ...(opts.profile === undefined ? {} : { profile: opts.profile }),
    ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
    ...(opts.env === undefined ? {} : { env: opts.env }),
    counter,
  });
  const source = await createLiveStateSource({ ...opts, clients, counter, purpose: 'audit' });
  if (!(source instanceof LiveStateSource)) {
    throw new ConfigError('the live state source does not expose reader-role credentials');
  }
  const blindSpots = liveBlindSpotReader({
    credentials: (accountId) => source.readerCredentials(accountId),
    counter,
  });
  const detailed = withAuthorizationDetails(source, clients, (accountId) =>
    source.readerCredentials(accountId),
  );
  return { source: detailed, live: source, blindSpots, counter };
}
