import type { CertificateAndKey } from './cluster-pki';
import { distinguishedName, type SubjectFields } from './distinguished-name';
import { generateKeyPairPem, type KeyAlgorithm, loadSigningKey } from './keys';
import { randomSerialNumber } from './serial-number';
import { CA_VALIDITY_DAYS, validityWindow } from './validity';
import { nodeCrypto, peculiarX509, type X509 } from './x509';

export interface CertificateAuthorityOptions {
  subject: SubjectFields;
  keyAlgorithm: KeyAlgorithm;
  now: Date;
}

/** Make a self-signed root CA (10 years, backdated; see validity.ts). */
export async function createCertificateAuthority({
  subject,
  keyAlgorithm,
  now,
}: CertificateAuthorityOptions): Promise<CertificateAndKey> {
  const x509 = peculiarX509();
  const { privateKeyPem } = await generateKeyPairPem(keyAlgorithm);
  const { keys, signingAlgorithm } = await loadSigningKey(privateKeyPem);
  const name = distinguishedName(subject);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerialNumber(),
      name,
      keys,
      signingAlgorithm,
      ...validityWindow(now, CA_VALIDITY_DAYS),
      extensions: [
        // pathlen 0: these CAs sign leaf certificates only; none of the three distributions
        // makes intermediates from them, so a stolen leaf key can never become a CA.
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign |
            x509.KeyUsageFlags.cRLSign |
            x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, nodeCrypto),
        // AKI = own SKI marks a root, which is how k3s's hashCA tells roots in a bundle.
        await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey, false, nodeCrypto),
      ],
    },
    nodeCrypto,
  );
  return { certificatePem: toPem(certificate), privateKeyPem };
}

/** PEM text of a certificate, always ending in a newline: these strings are written as files. */
export function toPem(certificate: X509.X509Certificate): string {
  const pem = certificate.toString('pem').replace(/\r\n/g, '\n');
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
