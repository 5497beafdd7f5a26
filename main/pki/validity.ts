const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Cluster CAs live 10 years, as kubeadm's, k3s's and k0s's own CAs do: replacing a CA means
 * re-keying every node by hand in all three distributions, so a Pi cluster should never meet it.
 */
export const CA_VALIDITY_DAYS = 3650;

/**
 * The admin client certificate lives 1 year, like kubeadm's admin.conf: a leaked kubeconfig stops
 * working on its own, and the app holds the client CA so it can issue a new one at any time.
 */
export const ADMIN_CLIENT_CERT_VALIDITY_DAYS = 365;

/** Serving certificates we issue (tests, the test API server) follow kubeadm's 1-year leaf rule. */
export const SERVING_CERT_VALIDITY_DAYS = 365;

/**
 * NotBefore is set this far before "now". A Pi has no real-time clock: the bootstrap only waits
 * until its clock reaches the flash time (DESIGN.md, time gate), and the laptop that made the PKI
 * may itself be hours ahead of true time (a wrong time zone setting). One day covers both.
 */
export const NOT_BEFORE_BACKDATE_MS = DAY_MS;

/** The validity policy in one serialisable object, for the UI to show. */
export const PKI_VALIDITY = {
  certificateAuthorityDays: CA_VALIDITY_DAYS,
  adminClientCertificateDays: ADMIN_CLIENT_CERT_VALIDITY_DAYS,
  servingCertificateDays: SERVING_CERT_VALIDITY_DAYS,
  notBeforeBackdateHours: NOT_BEFORE_BACKDATE_MS / HOUR_MS,
} as const;

export interface ValidityWindow {
  notBefore: Date;
  notAfter: Date;
}

/**
 * The validity of a certificate made at `now`: backdated, and kept inside the issuer's own window
 * so that no certificate outlives (or predates) the CA that vouches for it.
 */
export function validityWindow(now: Date, days: number, issuer?: ValidityWindow): ValidityWindow {
  if (Number.isNaN(now.getTime()))
    throw new Error('The certificate time ("now") is not a valid date');
  let notBefore = new Date(now.getTime() - NOT_BEFORE_BACKDATE_MS);
  let notAfter = new Date(now.getTime() + days * DAY_MS);
  if (issuer) {
    if (notBefore < issuer.notBefore) notBefore = new Date(issuer.notBefore);
    if (notAfter > issuer.notAfter) notAfter = new Date(issuer.notAfter);
    if (notAfter <= notBefore) {
      throw new Error(
        `The issuing CA is not valid at ${now.toISOString()} ` +
          `(valid ${issuer.notBefore.toISOString()} to ${issuer.notAfter.toISOString()})`,
      );
    }
  }
  return { notBefore, notAfter };
}
