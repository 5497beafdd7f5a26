import { peculiarX509, type X509 } from './x509';

export interface SubjectFields {
  commonName: string;
  organizations?: readonly string[];
}

/**
 * Build a Name from literal values. @peculiar/x509 parses plain string values as escaped DN text
 * (a comma or quote in a cluster name would be mangled), so each value is passed as a typed
 * string: PrintableString where it fits, UTF8String otherwise, the choice Go and OpenSSL make.
 * Order O then CN, as Go's pkix.Name writes it.
 */
export function distinguishedName({ commonName, organizations = [] }: SubjectFields): X509.Name {
  const x509 = peculiarX509();
  const rdns: X509.JsonNameParams = organizations.map((o) => ({ O: [typedString(o)] }));
  rdns.push({ CN: [typedString(commonName)] });
  return new x509.Name(rdns);
}

function typedString(value: string): { printableString: string } | { utf8String: string } {
  if (value.length === 0 || value.length > 64) {
    throw new Error(`A certificate name field must be 1 to 64 characters: "${value}"`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new Error(`A certificate name field must not contain control characters: "${value}"`);
  }
  return peculiarX509().Name.isPrintableString(value)
    ? { printableString: value }
    : { utf8String: value };
}
