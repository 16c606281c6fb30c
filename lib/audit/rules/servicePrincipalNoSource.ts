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
 * Services that assume a customer's role on behalf of a resource and send
 * `aws:SourceAccount` / `aws:SourceArn` (and mostly `aws:SourceOrgID`) when
 * they do, so a trust policy can pin the role to this account's resources.
 * Each has a "Cross-service confused deputy prevention" section in its guide.
 * Not listed on purpose: execution roles (`ec2`, `lambda`, `ecs-tasks`,
 * `eks`, `build`, …) which are assumed by the compute itself and carry no
 * source context.
 */
export const CONFUSED_DEPUTY_SERVICES = new Set([
  'sns.amazonaws.com',
  's3.amazonaws.com',
  'batchoperations.s3.amazonaws.com',
  'events.amazonaws.com',
  'scheduler.amazonaws.com',
  'pipes.amazonaws.com',
  'logs.amazonaws.com',
  'config.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'states.amazonaws.com',
  'sagemaker.amazonaws.com',
  'bedrock.amazonaws.com',
  'datasync.amazonaws.com',
  'transfer.amazonaws.com',
  'iot.amazonaws.com',
  'appsync.amazonaws.com',
  'backup.amazonaws.com',
  'ssm.amazonaws.com',
  'guardduty.amazonaws.com',
  'securityhub.amazonaws.com',
  'apigateway.amazonaws.com',
  'delivery.logs.amazonaws.com',
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
        if (!CONFUSED_DEPUTY_SERVICES.has(service.toLowerCase())) continue;
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
                label: `${service} acting for a resource of ${role.accountId}`,
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
