import { script } from './shell';

export const swapOffPath = '/usr/local/sbin/kubeflash-swap-off';

/**
 * Turns swap off now and for good: the kubelet refuses to run with swap by default. Covers
 * dphys-swapfile (Raspberry Pi OS Bookworm), zram swap pulled in by swap.target (Trixie's
 * rpi-swap, Ubuntu's zram tools) and fstab entries. Every step is optional: POSIX sh, no -e.
 */
export function swapOffScript(): string {
  return script([
    '#!/bin/sh',
    '# Kubeflash: swap off now and on every later boot (the kubelet needs it off).',
    'swapoff -a 2>/dev/null',
    'if command -v dphys-swapfile >/dev/null 2>&1; then',
    '  dphys-swapfile swapoff 2>/dev/null',
    '  dphys-swapfile uninstall 2>/dev/null',
    'fi',
    'if command -v systemctl >/dev/null 2>&1; then',
    '  systemctl disable dphys-swapfile.service 2>/dev/null',
    '  systemctl mask swap.target 2>/dev/null',
    'fi',
    "if [ -f /etc/fstab ] && grep -Eq '^[^#].*[[:space:]]swap[[:space:]]' /etc/fstab; then",
    "  sed -i -E 's/^([^#].*[[:space:]]swap[[:space:]].*)$/# kubeflash: \\1/' /etc/fstab",
    'fi',
    'exit 0',
  ]);
}
