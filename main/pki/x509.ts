// @peculiar/x509 looks its algorithm providers up through tsyringe, which needs the Reflect
// metadata API: the polyfill has to be evaluated before the library, so every PKI file imports
// the library from here and never directly.
import 'reflect-metadata';

import { webcrypto } from 'node:crypto';

import * as x509 from '@peculiar/x509';

/**
 * Node's WebCrypto, handed to each @peculiar/x509 call explicitly rather than installed as the
 * library's global provider, so no module depends on import order or shared mutable state.
 */
export const nodeCrypto: webcrypto.Crypto = webcrypto;

export { x509 };
