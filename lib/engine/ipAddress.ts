/**
 * IPv4 / IPv6 addresses and CIDR blocks for `IpAddress` / `NotIpAddress`
 * (IAM UG, condition operators, "IP address condition operators": RFC 4632
 * CIDR notation, IPv4 and IPv6; a bare address means a single host).
 */
export interface IpValue {
  readonly version: 4 | 6;
  readonly value: bigint;
}

export interface CidrBlock extends IpValue {
  readonly prefix: number;
}

export function parseIp(text: string): IpValue | undefined {
  const s = text.trim();
  if (s.includes(':')) {
    const v = parseIpv6(s);
    return v === undefined ? undefined : { version: 6, value: v };
  }
  const v = parseIpv4(s);
  return v === undefined ? undefined : { version: 4, value: v };
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Host bits are masked off. */
export function parseCidr(text: string): CidrBlock | undefined {
  const s = text.trim();
  const slash = s.indexOf('/');
  const ip = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (ip === undefined) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > bits) return undefined;
  }
  return { version: ip.version, prefix, value: mask(ip.value, prefix, bits) };
}

export function cidrContains(block: CidrBlock, ip: IpValue): boolean {
  if (block.version !== ip.version) return false;
  const bits = ip.version === 4 ? 32 : 128;
  return mask(ip.value, block.prefix, bits) === block.value;
}

function mask(value: bigint, prefix: number, bits: number): bigint {
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIpv6(s: string): bigint | undefined {
  // Zone ids (`%eth0`) never appear in IAM; reject them.
  if (s.includes('%')) return undefined;
  let text = s;
  // An embedded IPv4 tail (`::ffff:192.0.2.1`) becomes two hex groups.
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] as string);
  const rest = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (head === undefined || rest === undefined) return undefined;
  const explicit = head.length + rest.length;
  let groups: number[];
  if (halves.length === 2) {
    if (explicit > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...rest];
  } else {
    if (explicit !== 8) return undefined;
    groups = head;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

function parseGroups(h: string): number[] | undefined {
  if (h === '') return [];
  const out: number[] = [];
  for (const g of h.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out.push(Number.parseInt(g, 16));
  }
  return out;
}
