import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { currentCallBudget } from './callBudget.js';

/**
 * Counts every AWS operation sent through the clients of one factory, so tests
 * and the benchmark can assert call budgets. A retried operation counts once
 * (`attempts` counts the HTTP attempts, retries included).
 */
export interface CallCounter {
  count: number;
  attempts: number;
  readonly byOperation: Map<string, number>;
}

export function createCallCounter(): CallCounter {
  return { count: 0, attempts: 0, byOperation: new Map() };
}

export type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export interface ClientFactoryOptions {
  /** Region for STS and CloudTrail; IAM and Organizations always use their home region. */
  readonly region?: string;
  /** Named profile of the shared config/credentials files (standard credential chain). */
  readonly profile?: string;
  /** Base credentials; when absent, the standard AWS credential chain (with `profile`). */
  readonly credentials?: Credentials;
  readonly counter?: CallCounter;
  /** Attempts per operation, retries included (adaptive retry mode). */
  readonly maxAttempts?: number;
  /** Environment to read the region from; defaults to the process environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Makes SDK v3 clients that share one call counter and one set of base credentials. */
export interface AwsClientFactory {
  /** Region of STS calls and the default CloudTrail region. */
  readonly region: string;
  /** Partition of `region` (`aws`, `aws-cn`, `aws-us-gov`). */
  readonly partition: string;
  readonly counter: CallCounter;
  /** IAM is global: served from us-east-1 (cn-north-1 / us-gov-west-1 in other partitions). */
  iam(credentials?: Credentials): IAMClient;
  sts(credentials?: Credentials): STSClient;
  /** Organizations is served from us-east-1 (or its partition's equivalent). */
  organizations(credentials?: Credentials): OrganizationsClient;
  /** Settings every client of this factory shares, for clients made elsewhere (lib/aws/trailClients.ts). */
  baseConfig(credentials?: Credentials): BaseClientConfig;
  /** Home region of the global services in this partition. */
  readonly globalRegion: string;
}

export interface BaseClientConfig {
  /** Absent: the SDK's default credential chain (environment, `profile`, SSO, IMDS, …). */
  readonly credentials?: Credentials;
  readonly profile?: string;
  readonly retryMode: 'adaptive';
  readonly maxAttempts: number;
}

/** Region used when neither an option nor the environment names one. */
export const DEFAULT_REGION = 'us-east-1';

export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Home region of the global services (IAM, Organizations) in a partition. */
export function globalServiceRegion(partition: string): string {
  if (partition === 'aws-cn') return 'cn-northwest-1';
  if (partition === 'aws-us-gov') return 'us-gov-west-1';
  return DEFAULT_REGION;
}

interface CountableClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string; clientName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize' | 'finalizeRequest'; name: string; priority?: 'high' | 'low' },
    ): void;
  };
}

/**
 * Adds the counting middleware to a client (exported for clients made
 * elsewhere); it also charges the running diagnosis's call budget, if any.
 */
export function countCalls<C>(client: C, counter: CallCounter): C {
  const stack = (client as unknown as CountableClient).middlewareStack;
  stack.add(
    (next, context) => async (args) => {
      const op = `${(context.clientName ?? 'Client').replace(/Client$/, '')}.${(context.commandName ?? 'Command').replace(/Command$/, '')}`;
      // A diagnosis with its budget spent sends nothing more (lib/aws/callBudget.ts).
      currentCallBudget()?.take(op);
      counter.count += 1;
      counter.byOperation.set(op, (counter.byOperation.get(op) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'trustwatchCallCounter', priority: 'high' },
  );
  stack.add(
    (next) => async (args) => {
      counter.attempts += 1;
      return next(args);
    },
    // finalizeRequest, low priority: below the retry middleware, so once per attempt.
    { step: 'finalizeRequest', name: 'trustwatchAttemptCounter', priority: 'low' },
  );
  return client;
}

/**
 * The AWS client factory. Every client uses the adaptive retry mode (client
 * side rate limiting on throttling, which IAM and Organizations do under
 * bursts) and honours `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>`, which
 * the SDK reads itself: no endpoint is set here.
 */
export function createClientFactory(opts: ClientFactoryOptions = {}): AwsClientFactory {
  const env = opts.env ?? process.env;
  // The SDK warns on stderr about Node < 22 once per process; the CLI keeps stderr clean.
  if (process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  }
  const region = opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
  const partition = partitionOfRegion(region);
  const globalRegion = globalServiceRegion(partition);
  const counter = opts.counter ?? createCallCounter();
  // No explicit provider: the SDK's default chain (with `profile`) resolves the
  // base credentials, so the Lambda bundle carries no extra credential package.
  const baseConfig = (credentials: Credentials | undefined): BaseClientConfig => {
    const chosen = credentials ?? opts.credentials;
    return {
      ...(chosen === undefined ? {} : { credentials: chosen }),
      ...(opts.profile === undefined ? {} : { profile: opts.profile }),
      retryMode: 'adaptive',
      maxAttempts: opts.maxAttempts ?? 6,
    };
  };
  return {
    region,
    partition,
    counter,
    iam: (credentials) =>
      countCalls(new IAMClient({ ...baseConfig(credentials), region: globalRegion }), counter),
    sts: (credentials) =>
      countCalls(new STSClient({ ...baseConfig(credentials), region }), counter),
    organizations: (credentials) =>
      countCalls(
        new OrganizationsClient({ ...baseConfig(credentials), region: globalRegion }),
        counter,
      ),
    baseConfig,
    globalRegion,
  };
}
