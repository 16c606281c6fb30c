/**
 * Error texts as the tools print them, with the noise of real logs. The
 * wording of each follows errors pasted in public issues (cited per
 * fixture); account ids, names and request ids are the fake ones of
 * ../shared/events.
 */

const ESC = '\u001b';
const red = (t: string) => `${ESC}[31m${t}${ESC}[0m`;
const bold = (t: string) => `${ESC}[1m${t}${ESC}[0m`;

export const CALLER = 'arn:aws:sts::111111111111:assumed-role/ci-deployer/i-0a1b2c3d4e5f60789';
export const ROLE = 'arn:aws:iam::222222222222:role/DeployRole';
export const SEED_MESSAGE = `User: ${CALLER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`;
export const REQUEST_ID = 'c1d2e3f4-0001-4a5b-8c6d-7e8f9a0b1c01';

/** Terraform's diagnostic box, coloured as on a terminal: `│ ` before every line. */
function terraformBox(lines: readonly string[]): string {
  return [red('╷'), ...lines.map((l) => `${red('│')} ${l}`), red('╵')].join('\n');
}

/**
 * Terraform AWS provider v5, `terraform plan` on a terminal (hashicorp/
 * terraform-provider-aws#42213): "Cannot assume IAM Role", the
 * `IAM Role (…) cannot be assumed.` paragraph, then the Go SDK's
 * `operation error STS: AssumeRole, https response error …` chain, word-wrapped
 * by Terraform inside the box. The seed article's denial (../shared/events/01).
 */
export const TERRAFORM_V5 = `${bold(red('Planning failed.'))} Terraform encountered an error while generating this plan.

${terraformBox([
  `${bold(red('Error: '))}${bold('Cannot assume IAM Role')}`,
  '',
  '  with provider["registry.terraform.io/hashicorp/aws"],',
  '  on providers.tf line 12, in provider "aws":',
  `  12: provider "aws" ${ESC}[4m{${ESC}[0m`,
  '',
  `IAM Role (${ROLE}) cannot be assumed.`,
  '',
  'There are a number of possible causes of this - the most common are:',
  '  * The credentials used in order to assume the role are invalid',
  '  * The credentials do not have appropriate permission to assume the role',
  '  * The role ARN is not valid',
  '',
  `Error: operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: ${REQUEST_ID}, api error AccessDenied: User:`,
  `${CALLER} is not authorized to perform: sts:AssumeRole on resource:`,
  ROLE,
  '',
])}
`;

/**
 * Terraform AWS provider v6 in a GitHub Actions raw log: every line carries
 * the runner's timestamp, lines end in CRLF, and the job's terminal was 100
 * columns wide, so the role ARN is cut where the line is full.
 */
export const TERRAFORM_V6_CI = (() => {
  const ts = '2026-03-02T09:14:07.4125127Z ';
  const width = 100;
  const long = `Error: operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: ${REQUEST_ID}, api error AccessDenied: User: ${CALLER} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/deploy/TerraformExecutionRoleProduction`;
  const cut: string[] = [];
  for (let i = 0; i < long.length; i += width - 2) cut.push(long.slice(i, i + width - 2));
  return [
    '##[group]Run terraform plan -input=false -no-color',
    'terraform plan -input=false -no-color',
    '##[endgroup]',
    'Planning failed. Terraform encountered an error while generating this plan.',
    '',
    '╷',
    '│ Error: Cannot assume IAM Role',
    '│ ',
    '│   with provider["registry.terraform.io/hashicorp/aws"],',
    '│   on main.tf line 1, in provider "aws":',
    '│    1: provider "aws" {',
    '│ ',
    '│ IAM Role',
    '│ (arn:aws:iam::222222222222:role/deploy/TerraformExecutionRoleProduction)',
    '│ cannot be assumed.',
    '│ ',
    ...cut.map((l) => `│ ${l}`),
    '╵',
    '##[error]Terraform exited with code 1.',
    '##[error]Process completed with exit code 1.',
  ]
    .map((l) => `${ts}${l}`)
    .join('\r\n');
})();

export const V6_ROLE = 'arn:aws:iam::222222222222:role/deploy/TerraformExecutionRoleProduction';

/**
 * The older provider wording, as a Pulumi program using it printed it
 * (cloud-toolkit/cloud-toolkit-aws#31): `error configuring Terraform AWS
 * Provider: IAM Role (…) cannot be assumed.` with the chain on one line.
 */
export const TERRAFORM_CONFIGURING = `aws:iam:AccountPasswordPolicy (nova-audit):
    error: 1 error occurred:
        * error configuring Terraform AWS Provider: IAM Role (arn:aws:iam::222222222222:role/OrganizationAccountAccessRole) cannot be assumed.

    There are a number of possible causes of this - the most common are:
      * The credentials used in order to assume the role are invalid
      * The credentials do not have appropriate permission to assume the role
      * The role ARN is not valid

    Error: operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: 0529cbfe-21c8-47d6-8954-6b4f21eec46f, api error AccessDenied: User: arn:aws:iam::111111111111:user/williams is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/OrganizationAccountAccessRole
`;

/**
 * AWS CLI v2 (botocore's message, no request id), with the newer
 * `because no identity-based policy allows …` suffix, CRLF and a prompt.
 */
export const AWS_CLI_V2 = [
  '$ aws sts assume-role --role-arn arn:aws:iam::222222222222:role/DeployRole --role-session-name test --profile dev',
  '',
  'An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/DeployRole because no identity-based policy allows the sts:AssumeRole action',
  '$ ',
].join('\r\n');

/** boto3 / botocore `ClientError` at the end of a traceback (nccgroup/aws-inventory#34). */
export const BOTO3_TRACEBACK = `Traceback (most recent call last):
  File "/app/deploy.py", line 41, in <module>
    creds = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="deploy")["Credentials"]
  File "/usr/local/lib/python3.12/site-packages/botocore/client.py", line 569, in _api_call
    return self._make_api_call(operation_name, kwargs)
  File "/usr/local/lib/python3.12/site-packages/botocore/client.py", line 1023, in _make_api_call
    raise error_class(parsed_response, operation_name)
botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:sts::111111111111:assumed-role/etl-runner/botocore-session-1741000000 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/ReportingReader with an explicit deny in a service control policy: arn:aws:organizations::444444444444:policy/o-exampleorg1/service_control_policy/p-examplescp1
`;

/** JavaScript SDK v3: the error printed by Node with its stack and `$metadata`. */
export const JS_V3 = `/app/node_modules/@smithy/smithy-client/dist-cjs/index.js:388
  const response = new exceptionCtor({
                   ^

AccessDenied: User: arn:aws:sts::111111111111:assumed-role/lambda-deployer/deploy-fn is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/DeployRole
    at throwDefaultError (/app/node_modules/@smithy/smithy-client/dist-cjs/index.js:388:20)
    at /app/node_modules/@smithy/smithy-client/dist-cjs/index.js:397:5
    at de_CommandError (/app/node_modules/@aws-sdk/client-sts/dist-cjs/index.js:771:14)
    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)
    at async /app/node_modules/@smithy/middleware-serde/dist-cjs/index.js:36:20
    at async /app/node_modules/@aws-sdk/core/dist-cjs/index.js:193:18 {
  '$fault': 'client',
  '$metadata': {
    httpStatusCode: 403,
    requestId: '9b1f3c2e-5a6d-4e7f-8a9b-0c1d2e3f4a5b',
    extendedRequestId: undefined,
    cfId: undefined,
    attempts: 1,
    totalRetryDelay: 0
  },
  Type: 'Sender',
  Code: 'AccessDenied'
}

Node.js v22.12.0
`;

/** Go SDK v2 through the standard logger (the chain format of smithy-go). */
export const GO_V2 = `2026/03/02 09:14:07 loading config for account 111111111111
2026/03/02 09:14:08 unable to assume role: operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9, api error AccessDenied: User: arn:aws:iam::111111111111:user/svc-backup is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::555555555555:role/BackupWriter with an explicit deny in an identity-based policy: arn:aws:iam::111111111111:policy/DenyProdAssume
exit status 1
`;

/** Java SDK v2: `StsException` with the `(Service: Sts, Status Code: 403, Request ID: …)` tail (aws/aws-sdk-java-v2#1470). */
export const JAVA_V2 = `2026-03-02 09:14:07.311 ERROR 1 --- [           main] c.e.deploy.CrossAccountClient            : cannot assume role
software.amazon.awssdk.services.sts.model.StsException: User: arn:aws:sts::111111111111:assumed-role/ecs-task-role/0f1e2d3c4b5a69788796a5b4c3d2e1f0 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/DeployRole (Service: Sts, Status Code: 403, Request ID: 7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d)
\tat software.amazon.awssdk.core.internal.http.CombinedResponseHandler.handleErrorResponse(CombinedResponseHandler.java:125)
\tat software.amazon.awssdk.core.internal.http.CombinedResponseHandler.handleResponse(CombinedResponseHandler.java:82)
\tat software.amazon.awssdk.services.sts.DefaultStsClient.assumeRole(DefaultStsClient.java:312)
`;

/**
 * GitHub Actions, aws-actions/configure-aws-credentials (issues #1100,
 * #1446): the step's inputs echoed under `with:`, then `Assuming role with
 * OIDC` and the error, every line timestamped.
 */
export const GITHUB_ACTIONS_OIDC = [
  '##[group]Run aws-actions/configure-aws-credentials@v4',
  'with:',
  '  role-to-assume: arn:aws:iam::222222222222:role/GitHubActionsDeploy',
  '  aws-region: eu-west-1',
  '  audience: sts.amazonaws.com',
  '##[endgroup]',
  'Assuming role with OIDC',
  'Assuming role with OIDC',
  '##[error]Could not assume role with OIDC: Not authorized to perform sts:AssumeRoleWithWebIdentity',
]
  .map((l, i) => `2026-03-02T15:40:0${i}.1234567Z ${l}`)
  .join('\n');

/** AWS CLI, an MFA code that STS rejected, beside Terraform's role paragraph. */
export const MFA_INVALID = `
Error: Cannot assume IAM Role

IAM Role (arn:aws:iam::222222222222:role/BreakGlass) cannot be assumed.

Error: operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d, api error AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code.
`;

/** AWS CLI, a SAML assertion STS refused. */
export const SAML_DENIED = `An error occurred (AccessDenied) when calling the AssumeRoleWithSAML operation: Not authorized to perform sts:AssumeRoleWithSAML
`;

/** Two providers failing in one run, each printed twice (plan, then the summary), and an S3 denial. */
export const SEVERAL = `${TERRAFORM_CONFIGURING}
${AWS_CLI_V2}
${TERRAFORM_CONFIGURING}
An error occurred (AccessDenied) when calling the GetObject operation: Access Denied
`;

/** Only denials of other actions: nothing to explain. */
export const OTHER_ACTIONS_ONLY = `An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:sts::111111111111:assumed-role/ci-deployer/x is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::example-artifacts/build.zip" because no identity-based policy allows the s3:PutObject action
operation error S3: GetObject, https response error StatusCode: 403, RequestID: 0c0c0c0c0c0c0c0c, api error AccessDenied: Access Denied
`;
