import { describe, expect, it } from 'vitest';

import {
  headerContentSecurityPolicy,
  metaContentSecurityPolicy,
} from '../../../main/security/content-security-policy';

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (!name) continue;
    expect(map.has(name), `duplicate directive ${name}`).toBe(false);
    map.set(name, values);
  }
  return map;
}

describe('content security policy', () => {
  it.each([
    ['meta', metaContentSecurityPolicy],
    ['header', headerContentSecurityPolicy],
  ])('%s policy denies by default and allows only own scripts', (_label, policy) => {
    const parsed = directives(policy);
    expect(parsed.get('default-src')).toEqual(["'none'"]);
    expect(parsed.get('script-src')).toEqual(["'self'"]);
    expect(parsed.get('object-src')).toEqual(["'none'"]);
    expect(parsed.get('base-uri')).toEqual(["'none'"]);
    expect(policy).not.toContain("'unsafe-inline'");
    expect(policy).not.toContain("'unsafe-eval'");
    expect(policy).not.toMatch(/(^|\s)\*(\s|;|$)/); // no bare wildcard source
    expect(policy).not.toMatch(/https?:(\s|;|$)/); // no whole-scheme sources
  });

  it('lets the page reach only its own loopback WebSocket', () => {
    const connect = directives(metaContentSecurityPolicy).get('connect-src') ?? [];
    expect(connect).toContain("'self'");
    for (const source of connect.filter((s) => s !== "'self'")) {
      expect(source).toMatch(/^ws:\/\/(127\.0\.0\.1|localhost):/);
    }
  });

  it('header policy forbids framing; the meta policy leaves out what a meta tag ignores', () => {
    expect(directives(headerContentSecurityPolicy).get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives(metaContentSecurityPolicy).has('frame-ancestors')).toBe(false);
  });

  it('header policy is the meta policy plus header-only directives', () => {
    const meta = directives(metaContentSecurityPolicy);
    const header = directives(headerContentSecurityPolicy);
    for (const [name, values] of meta) expect(header.get(name), name).toEqual(values);
  });
});
