import { keyBlobFingerprint } from '../../pki';

/**
 * Host key pinning for one connection: the server's key must be byte for byte one of the keys
 * the app generated for that node. Anything else is refused during key exchange — before
 * authentication, so no credential and no command ever reaches an impostor — and remembered so
 * the caller can report 'host-key-mismatch' with the presented key's fingerprint.
 */
export class HostKeyPin {
  #presentedFingerprint: string | null = null;
  #mismatch = false;

  constructor(private readonly pinned: readonly Buffer[]) {}

  /** For ssh2's `hostVerifier` (called with the raw key blob when no hostHash is set). */
  readonly verify = (presented: Buffer): boolean => {
    const ok = this.pinned.some((blob) => blob.equals(presented));
    if (!ok) {
      this.#mismatch = true;
      this.#presentedFingerprint = keyBlobFingerprint(presented);
    }
    return ok;
  };

  get mismatch(): boolean {
    return this.#mismatch;
  }

  /** "SHA256:…" of the key the server presented, when it was not a pinned one. */
  get presentedFingerprint(): string | null {
    return this.#presentedFingerprint;
  }
}
