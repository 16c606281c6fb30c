import type { AuditRule, RuleHit } from '../AuditRule.js';
import {
  allowStatements,
  isolateEntry,
  restrictingClauses,
  serviceRequest,
  statementEvidence,
  statementName,
} from '../trustFacts.js';

/**
 * Services whose own AWS documentation puts `aws:SourceAccount` /
 * `aws:SourceArn` in the trust policy of the role they assume (so they send
 * the keys when they assume it), with where it says so. Only these are
 * judged: a service that does not send the keys would be locked out by the
 * fix (Prowler issues #2810, #4714, #7021 report exactly that for SageMaker,
 * API Gateway, Backup and the CloudTrail → CloudWatch Logs role). Execution
 * roles (`ec2`, `lambda`, `ecs-tasks`, `eks`, `codebuild`, …) are assumed by
 * the compute itself and carry no source context.
 */
export const CONFUSED_DEPUTY_SERVICES: ReadonlyMap<string, string> = new Map([
  [
    'states.amazonaws.com',
    'Step Functions Developer Guide, "Creating an IAM role for your state machine" → "Prevent cross-service confused deputy issue"',
  ],
  [
    'scheduler.amazonaws.com',
    'EventBridge Scheduler User Guide, "Setting up Amazon EventBridge Scheduler" → "Set up the execution role"',
  ],
  [
    'pipes.amazonaws.com',
    'EventBridge User Guide, "Amazon EventBridge Pipes permissions" → execution role trust policy',
  ],
  [
    'config.amazonaws.com',
    'AWS Config Developer Guide, "Permissions for the IAM role assigned to AWS Config" (trust policy with aws:SourceAccount)',
  ],
  [
    'logs.amazonaws.com',
    'CloudWatch Logs User Guide, "Subscription filters" (CWLtoKinesisRole trust policy with aws:SourceArn)',
  ],
  ['iot.amazonaws.com', 'AWS IoT Core Developer Guide, "Cross-service confused deputy prevention"'],
  [
    'personalize.amazonaws.com',
    'Amazon Personalize Developer Guide, "Cross-service confused deputy prevention" (role trust policy)',
  ],
  [
    'datasync.amazonaws.com',
    'DataSync User Guide, "Cross-service confused deputy prevention" (role trust policy)',
  ],
  [
    'transfer.amazonaws.com',
    'Transfer Family User Guide, "Cross-service confused deputy prevention" (role trust policy)',
  ],
  [
    'ssm.amazonaws.com',
    'Systems Manager User Guide, "Create the IAM service role required for Systems Manager in hybrid environments" (aws:SourceAccount, aws:SourceArn)',
  ],
  [
    'bedrock.amazonaws.com',
    'Amazon Bedrock User Guide, service roles (model customization, knowledge bases): trust policy with aws:SourceAccount and aws:SourceArn',
  ],
]);

const SOURCE_KEYS = [
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
] as const;

/**
 * A role trusted by a service that supports the confused-deputy keys, without
 * any of them: another customer's resource in that service could be pointed
 * at this role (IAM UG, "Cross-service confused deputy prevention").
 */
export const servicePrincipalNoSource: AuditRule = {
  code: 'SERVICE_PRINCIPAL_NO_SOURCE',
  title: 'a service principal is trusted without aws:SourceAccount / aws:SourceArn',
  reference: 'IAM User Guide, "Cross-service confused deputy prevention"',
  check(role) {
    const hits: RuleHit[] = [];
    for (const st of allowStatements(role.trustPolicy)) {
      if (st.principal?.kind !== 'map') continue;
      if (restrictingClauses(st, SOURCE_KEYS).length > 0) continue;
      for (const service of st.principal.Service) {
        const doc = CONFUSED_DEPUTY_SERVICES.get(service.toLowerCase());
        if (doc === undefined) continue;
        hits.push({
          evidence: statementEvidence(st, {
            principal: service,
            principalType: 'Service',
            conditionKey: 'aws:SourceAccount',
          }),
          summary: `${statementName(st)} lets \`${service}\` assume \`${role.name}\` for any account's resources: it has no \`aws:SourceAccount\` or \`aws:SourceArn\` condition (confused deputy).`,
          remedy: {
            kind: 'patch',
            title: `require aws:SourceAccount ${role.accountId}`,
            patch: (doc) =>
              isolateEntry(doc, st.index, 'Service', service, {
                operator: 'StringEquals',
                key: 'aws:SourceAccount',
                values: [role.accountId],
              }),
            legitimate: [
              {
                // The request is built to carry the key; what makes that a fair
                // test is the documentation saying the service sends it.
                label: `${service} acting for a resource of ${role.accountId}, sending aws:SourceAccount as ${doc} documents`,
                context: serviceRequest(role.arn, service, {
                  'aws:sourceaccount': [role.accountId],
                  'aws:sourcearn': [
                    `arn:aws:${service.split('.')[0]}:us-east-1:${role.accountId}:resource`,
                  ],
                }),
              },
            ],
          },
        });
      }
    }
    return hits;
  },
};
