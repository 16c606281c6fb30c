import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAccountProfiles } from '../../../../lib/aws/credentials/accountProfileOption.js';
import {
  chooseAccountProfile,
  readAccountProfiles,
} from '../../../../lib/aws/credentials/accountProfiles.js';
import { ConfigError } from '../../../../lib/errors/TrustwatchError.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-awsconfig-'));
const config = join(dir, 'config');
const credentials = join(dir, 'credentials');
writeFileSync(
  config,
  `[default]
region = eu-west-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile prod-admin]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = AdministratorAccess

[profile prod-readonly]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = ReadOnlyAccess

[profile ci-deploy]
role_arn = arn:aws:iam::111111111111:role/deploy/ci-deployer
source_profile = keys

[profile legacy]
sso_start_url = https://corp.awsapps.com/start
sso_account_id = not-an-account
`,
);
writeFileSync(credentials, '[keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n');

describe('readAccountProfiles (the SDK shared-ini loader)', () => {
  it('lists the profiles that name an account, by sso_account_id or the account of role_arn', async () => {
    const profiles = await readAccountProfiles({ filepath: credentials, configFilepath: config });
    expect(profiles.map((p) => [p.profile, p.accountId, p.via, p.roleName]).sort()).toEqual([
      ['ci-deploy', '111111111111', 'role_arn', 'ci-deployer'],
      ['prod-admin', '222222222222', 'sso_account_id', 'AdministratorAccess'],
      ['prod-readonly', '222222222222', 'sso_account_id', 'ReadOnlyAccess'],
    ]);
    expect(chooseAccountProfile(profiles, '222222222222')?.profile).toBe('prod-readonly');
    expect(chooseAccountProfile(profiles, '111111111111')?.profile).toBe('ci-deploy');
    expect(chooseAccountProfile(profiles, '333333333333')).toBeUndefined();
  });
});

describe('--account-profile ACCOUNT=PROFILE', () => {
  it('maps accounts to profiles, and refuses what is not that', () => {
    expect(parseAccountProfiles(['222222222222=prod-readonly', '111111111111=ci'])).toEqual({
      '222222222222': 'prod-readonly',
      '111111111111': 'ci',
    });
    expect(() => parseAccountProfiles(['prod=x'])).toThrow(ConfigError);
    expect(() => parseAccountProfiles(['222222222222=a', '222222222222=b'])).toThrow(
      /two profiles/,
    );
  });
});
