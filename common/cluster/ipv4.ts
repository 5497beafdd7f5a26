import ipaddr from 'ipaddr.js';

/** IPv4 arithmetic for the node table and validation, on top of ipaddr.js. */

export function isIpv4(value: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(value);
}

export function ipToNumber(value: string): number {
  return ipaddr.IPv4.parse(value)
    .toByteArray()
    .reduce((n, byte) => n * 256 + byte, 0);
}

export function numberToIp(value: number): string {
  const bytes = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256);
  return bytes.join('.');
}

export interface Ipv4Range {
  first: number;
  last: number;
}

/** `192.168.1.0/24` → its range, or null when it is not an IPv4 CIDR. */
export function parseIpv4Cidr(value: string): (Ipv4Range & { prefix: number }) | null {
  // Only the dotted-quad form: ipaddr.js also reads "192.168.1/24" and octal parts, which the
  // tools on the node would read differently.
  const [address = '', prefixText = '', ...rest] = value.split('/');
  if (rest.length > 0 || !isIpv4(address) || !/^\d{1,2}$/.test(prefixText)) return null;
  try {
    const [address, prefix] = ipaddr.IPv4.parseCIDR(value);
    const size = 2 ** (32 - prefix);
    const first = Math.floor(ipToNumber(address.toString()) / size) * size;
    return { first, last: first + size - 1, prefix };
  } catch {
    return null;
  }
}

/** A MetalLB-style pool: `a.b.c.d-e.f.g.h` or a CIDR; null when neither. */
export function parseIpv4Pool(value: string): Ipv4Range | null {
  const dash = value.split('-').map((part) => part.trim());
  if (dash.length === 2 && isIpv4(dash[0]!) && isIpv4(dash[1]!)) {
    const first = ipToNumber(dash[0]!);
    const last = ipToNumber(dash[1]!);
    return first <= last ? { first, last } : null;
  }
  return parseIpv4Cidr(value);
}

export function inRange(ip: number, range: Ipv4Range): boolean {
  return ip >= range.first && ip <= range.last;
}

export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** `count` consecutive addresses from `start`; throws past 255.255.255.255. */
export function ipv4Sequence(start: string, count: number): string[] {
  const first = ipToNumber(start);
  if (first + count - 1 > 0xffffffff)
    throw new RangeError(`${count} addresses from ${start} run past 255.255.255.255`);
  return Array.from({ length: count }, (_, i) => numberToIp(first + i));
}
