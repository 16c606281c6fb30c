/**
 * The path of every service-linked role (IAM UG, "Using service-linked
 * roles"): AWS creates them under `/aws-service-role/<service>/` and owns
 * their trust policies; SCPs and RCPs do not apply to them or their calls.
 */
export const SERVICE_LINKED_ROLE_PATH = '/aws-service-role/';

/** True for the path of a service-linked role. */
export function isServiceLinkedRolePath(path: string): boolean {
  return path.startsWith(SERVICE_LINKED_ROLE_PATH);
}

/** True for the ARN of a service-linked role (`arn:…:iam::<account>:role/aws-service-role/…`). */
export function isServiceLinkedRoleArn(arn: string): boolean {
  return arn.includes(`:role${SERVICE_LINKED_ROLE_PATH}`);
}
