/**
 * Accounts read at once by default (`snapshot`, the live audit). Each account
 * is read through its own reader-role session, one request at a time, so
 * IAM's per-account request rate is never approached; the bound is the STS
 * AssumeRole rate of the account trustwatch runs in, Organizations' rate, and
 * the memory of the blocks in flight. Adjustable with `--concurrency`.
 */
export const DEFAULT_ACCOUNT_CONCURRENCY = 8;
