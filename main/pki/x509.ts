// @peculiar/x509 and its ASN.1 schemas take about 0.2 s of CPU to load, so the library is loaded
// on first use, by the code that makes or inspects certificates: a command that only reads the
// cluster's PEMs (flash) does not pay for it. Every PKI file gets the library from here.
import { webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';

import type * as X509 from '@peculiar/x509';

export type { X509 };

const requireModule = createRequire(import.meta.url);

/**
 * The library (later calls are answered from Node's module cache). @peculiar/x509 looks its
 * algorithm providers up through tsyringe, which needs the Reflect metadata API: the polyfill
 * is loaded first, here, so no caller depends on import order.
 */
export function peculiarX509(): typeof X509 {
  requireModule('reflect-metadata');
  return requireModule('@peculiar/x509') as typeof X509;
}

/**
 * Node's WebCrypto, handed to each @peculiar/x509 call explicitly rather than installed as the
 * library's global provider, so no module depends on import order or shared mutable state.
 */
export const nodeCrypto: webcrypto.Crypto = webcrypto;
