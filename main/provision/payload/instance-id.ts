import { randomBytes } from 'node:crypto';

/**
 * A cloud-init instance id for one flash: the hostname for people reading meta-data, the
 * flash time and randomness so that every flash, re-flashes of the same node included, is a
 * new instance and runs its first boot again.
 */
export function newInstanceId(hostname: string, flashedAt: Date): string {
  const shortName = hostname.split('.')[0] ?? hostname;
  const stamp = flashedAt.toISOString().replace(/[-:]|\.\d+/g, '');
  return `kubeflash-${shortName}-${stamp}-${randomBytes(4).toString('hex')}`;
}
