/**
 * A stable ExternalId to propose for a role and a third-party account:
 * `tw-` and 24 hex digits of an FNV-1a hash of both, so the same finding shows
 * the same fix on every run. ExternalIds are not secrets (IAM UG), they only
 * need to be unique per customer of the third party.
 */
export function suggestedExternalId(roleArn: string, account: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  let h3 = 0x9e3779b9;
  const text = `${roleArn}|${account}`;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x85ebca6b) >>> 0;
    h3 = Math.imul(h3 ^ c, 0xc2b2ae35) >>> 0;
  }
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `tw-${hex(h1)}${hex(h2)}${hex(h3)}`;
}
