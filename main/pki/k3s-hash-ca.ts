import { createHash, X509Certificate as NodeX509Certificate } from 'node:crypto';

import { pemBlocks } from './pem-blocks';
import { peculiarX509, type X509 } from './x509';

/**
 * The CA hash of a k3s secure token, with the semantics of `hashCA` in k3s
 * pkg/clientaccess/token.go (k3s-io/k3s):
 *
 * - The file is parsed like client-go's certutil.ParseCertsPEM: only "CERTIFICATE" blocks without
 *   headers count; one that fails to parse is an error, and so is a file with none.
 * - One certificate: SHA-256 of the file's exact bytes (the "legacy" hash).
 * - More than one: the certificates after the first are split into roots (no AKI, or AKI = SKI)
 *   and intermediates; if the first verifies against them (Go x509 Verify, default options:
 *   current time, server-auth usage), the hash is SHA-256 of the chain's root in DER. If it does
 *   not verify, k3s falls back to hashing the file's bytes, and so do we.
 *
 * `now` stands in for Go's current time in chain verification.
 */
export function k3sHashCA(caFileBytes: Uint8Array, now = new Date()): string {
  const blocks = certificateBlocks(caFileBytes);
  let hashed: Uint8Array = caFileBytes;
  if (blocks.length === 1) {
    // The usual file: checked with Node's parser, which spares loading @peculiar/x509 (x509.ts).
    parseWith((der) => new NodeX509Certificate(der), blocks[0]!);
  } else {
    const x509 = peculiarX509();
    const certificates = blocks.map((der) => parseWith((d) => new x509.X509Certificate(d), der));
    const [leaf, ...rest] = certificates as [X509.X509Certificate, ...X509.X509Certificate[]];
    const roots = rest.filter(isRootLike);
    const intermediates = rest.filter((c) => !isRootLike(c));
    const chain = verifyChain(leaf, roots, intermediates, now);
    if (chain) hashed = new Uint8Array(chain[chain.length - 1]!.rawData);
  }
  return createHash('sha256').update(hashed).digest('hex');
}

/** The DER of each certificate block; at least one. */
function certificateBlocks(bytes: Uint8Array): Uint8Array[] {
  const blocks = pemBlocks(bytes)
    .filter((block) => block.type === 'CERTIFICATE' && !block.hasHeaders)
    .map((block) => block.der);
  if (blocks.length === 0) throw new Error('The CA file contains no certificates');
  return blocks;
}

function parseWith<T>(parse: (der: Uint8Array) => T, der: Uint8Array): T {
  try {
    return parse(der);
  } catch (error) {
    throw new Error(
      `The CA file has a certificate that cannot be parsed: ${(error as Error).message}`,
    );
  }
}

function keyIds(certificate: X509.X509Certificate): { ski?: string; aki?: string } {
  const x509 = peculiarX509();
  return {
    ski: certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
    aki: certificate.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId,
  };
}

/** k3s: `len(cert.AuthorityKeyId) == 0 || bytes.Equal(cert.AuthorityKeyId, cert.SubjectKeyId)`. */
function isRootLike(certificate: X509.X509Certificate): boolean {
  const { ski, aki } = keyIds(certificate);
  return !aki || aki === ski;
}

const MAX_CHAIN_LENGTH = 10;

/**
 * A small model of Go's x509.Certificate.Verify, enough for CA bundles: parents are found by
 * issuer name and checked by signature; every certificate must be within its validity at `now`;
 * intermediates must be CAs within their path length; any extended key usage on the chain must
 * allow server auth. Returns the first chain found (leaf first), or null.
 */
function verifyChain(
  leaf: X509.X509Certificate,
  roots: X509.X509Certificate[],
  intermediates: X509.X509Certificate[],
  now: Date,
): X509.X509Certificate[] | null {
  if (!withinValidity(leaf, now)) return null;
  // Go: a leaf that is itself in the root pool is a chain of one.
  if (roots.some((root) => sameBytes(root.rawData, leaf.rawData))) {
    return allowsServerAuth([leaf]) ? [leaf] : null;
  }
  const extend = (chain: X509.X509Certificate[]): X509.X509Certificate[] | null => {
    const child = chain[chain.length - 1]!;
    for (const [candidate, isRoot] of parentCandidates(child, roots, intermediates)) {
      if (chain.includes(candidate) || !withinValidity(candidate, now)) continue;
      if (!isRoot && !isCaWithinPathLength(candidate, chain.length - 1)) continue;
      if (!signedBy(child, candidate)) continue;
      const next = [...chain, candidate];
      if (isRoot) {
        if (allowsServerAuth(next)) return next;
      } else if (next.length < MAX_CHAIN_LENGTH) {
        const found = extend(next);
        if (found) return found;
      }
    }
    return null;
  };
  return extend([leaf]);
}

/** Go's pool lookup: same subject as the child's issuer, key-id matches first, roots before intermediates. */
function parentCandidates(
  child: X509.X509Certificate,
  roots: X509.X509Certificate[],
  intermediates: X509.X509Certificate[],
): Array<[X509.X509Certificate, boolean]> {
  const issuer = Buffer.from(child.issuerName.toArrayBuffer());
  const { aki } = keyIds(child);
  const rank = (c: X509.X509Certificate) => {
    const { ski } = keyIds(c);
    return aki && ski && aki === ski ? 0 : !aki || !ski ? 1 : 2;
  };
  const matching = (pool: X509.X509Certificate[], isRoot: boolean) =>
    pool
      .filter((c) => issuer.equals(Buffer.from(c.subjectName.toArrayBuffer())))
      .map((c) => [c, isRoot] as [X509.X509Certificate, boolean]);
  return [...matching(roots, true), ...matching(intermediates, false)].sort(
    (a, b) => rank(a[0]) - rank(b[0]),
  );
}

function withinValidity(certificate: X509.X509Certificate, now: Date): boolean {
  return certificate.notBefore <= now && now <= certificate.notAfter;
}

function isCaWithinPathLength(certificate: X509.X509Certificate, intermediatesBelow: number) {
  const constraints = certificate.getExtension(peculiarX509().BasicConstraintsExtension);
  if (!constraints?.ca) return false;
  return constraints.pathLength === undefined || intermediatesBelow <= constraints.pathLength;
}

const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

function allowsServerAuth(chain: X509.X509Certificate[]): boolean {
  const x509 = peculiarX509();
  return chain.every((certificate) => {
    const eku = certificate.getExtension(x509.ExtendedKeyUsageExtension);
    if (!eku) return true;
    const usages = eku.usages.map(String);
    return (
      usages.includes(x509.ExtendedKeyUsage.serverAuth) || usages.includes(ANY_EXTENDED_KEY_USAGE)
    );
  });
}

function signedBy(child: X509.X509Certificate, parent: X509.X509Certificate): boolean {
  try {
    const parentKey = new NodeX509Certificate(Buffer.from(parent.rawData)).publicKey;
    return new NodeX509Certificate(Buffer.from(child.rawData)).verify(parentKey);
  } catch {
    return false; // a key or algorithm that cannot be checked fails verification, as in Go
  }
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
