/** A JWT with these claims; the signature is a placeholder (trustwatch never checks it, STS does). */
export function jwt(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64(claims)}.c2lnbmF0dXJl`;
}

/** The claims of a GitHub Actions job token of `example-org/payments-api` in an environment. */
export const githubClaims = (environment: string) => ({
  iss: 'https://token.actions.githubusercontent.com',
  aud: 'sts.amazonaws.com',
  sub: `repo:example-org/payments-api:environment:${environment}`,
  environment,
  repository: 'example-org/payments-api',
  repository_id: '690000001',
  job_workflow_ref: 'example-org/payments-api/.github/workflows/deploy.yml@refs/heads/main',
  ref: 'refs/heads/main',
  run_attempt: 1,
  iat: 1772463600,
  exp: 1772467200,
});
