import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createProbeCommand } from '../../../lib/cli/probeCommand.js';
import { snapshotCommand } from '../../../lib/cli/snapshotCommand.js';
import type { ExplainOutput } from '../../../lib/diagnosis/Diagnosis.js';
import { memoryIo } from '../../support/memoryIo.js';
import { buildTestOrg, type TestOrg } from '../../support/motoOrg.js';
import { resetMoto, setMotoAuth, useMotoEnvironment } from '../../support/motoServer.js';

/**
 * `trustwatch probe` against moto with IAM enforcement on: the prober user of
 * the ci account has no `sts:AssumeRole` allow, so moto answers a real
 * AccessDenied, which probe explains from the attempt itself.
 */
const endpoint = inject('motoEndpoint');
let restoreEnv: () => void;
let org: TestOrg;
let snapshotText: string;

beforeAll(async () => {
  restoreEnv = useMotoEnvironment(endpoint);
  await setMotoAuth(endpoint, false);
  await resetMoto(endpoint);
  org = await buildTestOrg();
  await setMotoAuth(endpoint, true);
  process.env.AWS_ACCESS_KEY_ID = org.trustwatch.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = org.trustwatch.credentials.secretAccessKey;
  const io = memoryIo();
  await snapshotCommand(['--out', 'org.json'], io);
  snapshotText = io.files.get('org.json') ?? '';
  expect(snapshotText).not.toBe('');
});

afterAll(async () => {
  await setMotoAuth(endpoint, false);
  restoreEnv();
});

describe('trustwatch probe', () => {
  it('explains the AccessDenied moto returns, with the caller from GetCallerIdentity, and exits 1', async () => {
    const probe = createProbeCommand({ credentials: org.prober.credentials });
    const io = memoryIo({ files: { 'org.json': snapshotText } });
    const role = `arn:aws:iam::${org.accounts.prod}:role/DeployRole`;
    const code = await probe(
      ['--role-arn', role, '--snapshot', 'org.json', '--format', 'json'],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(1);
    const out = JSON.parse(io.out()) as ExplainOutput;
    const d = out.diagnoses[0];
    expect(d?.caller).toMatchObject({
      arn: org.prober.arn,
      accountId: org.accounts.ci,
      type: 'IAMUser',
    });
    expect(d?.target).toEqual({ roleArn: role, accountId: org.accounts.prod });
    const codes = d?.causes.map((c) => c.code) ?? [];
    // DeployRole trusts only ci's release-bot, and the prober's policies allow no sts:AssumeRole.
    expect(codes).toContain('TRUST_PRINCIPAL_NOT_TRUSTED');
    expect(codes).toContain('IDENTITY_NO_ALLOW');
  });

  it('evaluates the ExternalId it sent: the condition is confirmed, not guessed', async () => {
    const probe = createProbeCommand({ credentials: org.prober.credentials });
    const io = memoryIo({ files: { 'org.json': snapshotText } });
    const role = `arn:aws:iam::${org.accounts.prod}:role/VendorAudit`;
    const code = await probe(
      [
        '--role-arn',
        role,
        '--external-id',
        'vendor-0000',
        '--snapshot',
        'org.json',
        '--format',
        'json',
      ],
      io,
    );
    expect(code).toBe(1);
    const d = (JSON.parse(io.out()) as ExplainOutput).diagnoses[0];
    const ext = d?.causes.find((c) => c.code === 'TRUST_CONDITION_EXTERNAL_ID');
    expect(ext?.confidence).toBe('confirmed');
    expect(ext?.evidence.actual).toEqual(['vendor-0000']);
  });

  it('prints the diagnosis for a person by default', async () => {
    const probe = createProbeCommand({ credentials: org.prober.credentials });
    const io = memoryIo({ files: { 'org.json': snapshotText } });
    const role = `arn:aws:iam::${org.accounts.prod}:role/DeployRole`;
    expect(await probe(['--role-arn', role, '--snapshot', 'org.json'], io)).toBe(1);
    expect(io.out()).toMatch(new RegExp(`^${org.prober.arn} may not assume ${role}\n`));
    expect(io.out()).toContain('TRUST_PRINCIPAL_NOT_TRUSTED');
  });

  it('explains live too, through the reader roles', async () => {
    // Live mode reads with the same credentials the probe uses: here trustwatch's own, whose
    // identity allows assuming only the reader roles, so assuming DeployRole is denied.
    const probe = createProbeCommand({ credentials: org.trustwatch.credentials });
    const io = memoryIo();
    const role = `arn:aws:iam::${org.accounts.prod}:role/DeployRole`;
    expect(await probe(['--role-arn', role, '--live', '--format', 'json'], io)).toBe(1);
    const d = (JSON.parse(io.out()) as ExplainOutput).diagnoses[0];
    expect(d?.caller.arn).toBe(org.trustwatch.arn);
    expect(d?.causes.map((c) => c.code)).toContain('TRUST_PRINCIPAL_NOT_TRUSTED');
  });

  it('prints the assumed identity when the role may be assumed, and exits 0', async () => {
    const probe = createProbeCommand({ credentials: org.trustwatch.credentials });
    const io = memoryIo();
    const reader = `arn:aws:iam::${org.accounts.prod}:role/trustwatch/trustwatch-reader`;
    expect(await probe(['--role-arn', reader, '--session-name', 'check'], io)).toBe(0);
    expect(io.out()).toContain(`${org.trustwatch.arn} may assume ${reader}`);
    expect(io.out()).toContain(
      `assumed identity: arn:aws:sts::${org.accounts.prod}:assumed-role/trustwatch-reader/check`,
    );
  });
});
