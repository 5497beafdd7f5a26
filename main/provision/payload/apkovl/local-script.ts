import { bootstrapDoneMarker, bootstrapLogTag } from '../bootstrap-unit';
import type { PayloadContext } from '../context';
import { script, shQuote } from '../shell';

export const localScriptPath = 'etc/local.d/kubeflash.start';
/** In the scrubbed overlay: its secrets are gone, do not scrub again. */
export const scrubbedMarker = 'etc/kubeflash/overlay-scrubbed';

export interface LocalScriptInput {
  ctx: PayloadContext;
  /** The overlay's file name on the boot media. */
  overlayName: string;
  /** Overlay-relative paths of the secret files, dropped from the copy left on the media. */
  secretPaths: readonly string[];
  /** The overlay's top-level folders, archived again by the scrub. */
  topLevel: readonly string[];
}

/**
 * etc/local.d/kubeflash.start: OpenRC's `local` service runs it at every boot, after
 * networking and sshd. Alpine's Raspberry Pi image runs diskless (the root is rebuilt from the
 * overlay at each boot), so the login user is made again each time; the bootstrap is started
 * until it has finished; and once, the overlay on the boot media is replaced by a copy without
 * the bundle's secrets. busybox ash; POSIX sh.
 */
export function localScript({ ctx, overlayName, secretPaths, topLevel }: LocalScriptInput): string {
  const { user } = ctx;
  return script([
    '#!/bin/sh',
    '# Kubeflash on Alpine: run by OpenRC `local` at every boot.',
    'set -u',
    `TAG=${bootstrapLogTag}`,
    `USER_NAME=${shQuote(user.name)}`,
    `PASSWORD_HASH=${shQuote(user.passwordHash ?? '')}`,
    `ENTRY=${shQuote(ctx.bundle.entryPoint)}`,
    `DONE=${shQuote(bootstrapDoneMarker)}`,
    '',
    'log() { logger -t "$TAG" -- "local.d: $*" 2>/dev/null || true; }',
    '',
    'ensure_user() {',
    '  if ! id "$USER_NAME" >/dev/null 2>&1; then',
    '    adduser -D -s /bin/ash "$USER_NAME" || { log "could not create $USER_NAME"; return 1; }',
    '  fi',
    '  addgroup "$USER_NAME" wheel 2>/dev/null',
    "  # '*' rather than adduser's '!': OpenSSH without PAM refuses keys for '!'-locked accounts.",
    '  printf \'%s:%s\\n\' "$USER_NAME" "${PASSWORD_HASH:-*}" | chpasswd -e',
    '  home=$(awk -F: -v u="$USER_NAME" \'$1 == u { print $6 }\' /etc/passwd)',
    '  [ -n "$home" ] || return 1',
    '  mkdir -p "$home/.ssh"',
    '  cp /root/.ssh/authorized_keys "$home/.ssh/authorized_keys"',
    '  chmod 700 "$home/.ssh"',
    '  chmod 600 "$home/.ssh/authorized_keys"',
    '  chown -R "$USER_NAME:$USER_NAME" "$home/.ssh"',
    '}',
    '',
    'start_bootstrap() {',
    '  [ -e "$DONE" ] && return 0',
    '  log "starting $ENTRY"',
    '  mkdir -p /var/log',
    '  setsid "$ENTRY" </dev/null >>/var/log/kubeflash-bootstrap.log 2>&1 &',
    '}',
    '',
    '# scrub_overlay FILE...: rewrite each overlay without the secret files, once.',
    'scrub_overlay() {',
    '  for ovl in "$@"; do',
    '    [ -f "$ovl" ] || continue',
    '    mnt=${ovl%/*}',
    '    tmp=$(mktemp -d) || return 1',
    `    if tar -xzf "$ovl" -C "$tmp" && [ ! -e "$tmp/${scrubbedMarker}" ]; then`,
    ...secretPaths.map((path) => `      rm -f "$tmp/${path}"`),
    `      mkdir -p "$tmp/${scrubbedMarker.slice(0, scrubbedMarker.lastIndexOf('/'))}"`,
    `      : >"$tmp/${scrubbedMarker}"`,
    '      mount -o remount,rw "$mnt" 2>/dev/null',
    `      if (cd "$tmp" && tar -czf "$ovl.kubeflash" ${topLevel.join(' ')}) && mv -f "$ovl.kubeflash" "$ovl"; then`,
    '        log "removed the secrets from $ovl"',
    '      else',
    '        rm -f "$ovl.kubeflash"',
    '        log "could not rewrite $ovl"',
    '      fi',
    '      sync',
    '      mount -o remount,ro "$mnt" 2>/dev/null',
    '    fi',
    '    rm -rf "$tmp"',
    '  done',
    '}',
    '',
    '# Diskless Alpine has no swap; make sure (the kubelet needs it off).',
    'swapoff -a 2>/dev/null',
    'ensure_user',
    'start_bootstrap',
    `scrub_overlay /media/*/${shQuote(overlayName)}`,
    'exit 0',
  ]);
}
