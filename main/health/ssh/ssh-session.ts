import ssh2, { type ClientChannel, type ConnectConfig } from 'ssh2';

import type { SshState } from '../../../common/health';
import { HostKeyPin } from './host-key-pin';
import { type NodeTarget, pinnedKeyBlobs, type SshCredentials } from './node-target';

export interface SshTimeouts {
  /** TCP connect + SSH handshake + authentication. */
  readyMs: number;
  /** One command, start to exit. */
  commandMs: number;
}

export const defaultSshTimeouts: SshTimeouts = { readyMs: 10_000, commandMs: 15_000 };

/** Output a command may print before it is cut off (status.json, a kubeconfig: a few KiB). */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/** Why a connection could not be used, in the terms of NodeObservation.ssh. */
export class SshConnectError extends Error {
  override readonly name = 'SshConnectError';
  constructor(
    readonly state: Exclude<SshState, 'up' | 'unknown'>,
    message: string,
    /** Fingerprint of the presented host key, for 'host-key-mismatch'. */
    readonly presentedHostKey: string | null = null,
  ) {
    super(message);
  }
}

/** A command failed after the connection was up (timeout, output too large, channel refused). */
export class SshCommandError extends Error {
  override readonly name = 'SshCommandError';
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when the command died from a signal. */
  code: number | null;
}

export interface ExecOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
}

/** One authenticated SSH connection to one node, host key verified. */
export interface SshSession {
  readonly hostname: string;
  /** False once the connection closed or failed: the session must be opened again. */
  readonly usable: boolean;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Starts a long-running command; the caller reads its streams and closes it. */
  stream(command: string): Promise<ClientChannel>;
  close(): void;
}

/**
 * Opens an SSH connection to the node with its host key pinned from the plan and the app's user
 * key. Rejects with SshConnectError: 'unreachable' (refused, no route, timeout), 'auth-failed',
 * or 'host-key-mismatch' (the connection is dropped during key exchange: nothing was sent).
 */
export function openSshSession(
  target: NodeTarget,
  credentials: SshCredentials,
  timeouts: SshTimeouts = defaultSshTimeouts,
): Promise<SshSession> {
  if (!target.address) {
    return Promise.reject(
      new SshConnectError(
        'unreachable',
        `Node ${target.hostname} has no address in the plan: set its IP (or DHCP reservation) in the node table.`,
      ),
    );
  }
  let pin: HostKeyPin;
  try {
    pin = new HostKeyPin(pinnedKeyBlobs(target));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  const client = new ssh2.Client();
  const config: Partial<ConnectConfig> = {
    host: target.address,
    port: target.sshPort,
    username: credentials.username,
    privateKey: credentials.privateKey,
    hostVerifier: pin.verify,
    readyTimeout: timeouts.readyMs,
    // Only the key: no agent, no password, no keyboard-interactive prompts.
    authHandler: ['publickey'],
    keepaliveInterval: 15_000,
    keepaliveCountMax: 3,
  };
  const where = `${target.hostname} (${target.address}:${target.sshPort})`;
  return new Promise((resolve, reject) => {
    let ready = false;
    let usable = true;
    client.on('close', () => {
      usable = false;
    });
    client.on('error', (error: Error & { level?: string }) => {
      usable = false;
      if (ready) return; // a later failure: `usable` turns false and the next use reopens
      client.end();
      reject(classifyConnectError(error, pin, where, credentials.username));
    });
    client.once('ready', () => {
      ready = true;
      resolve({
        hostname: target.hostname,
        get usable() {
          return usable;
        },
        exec: (command, options) => execOn(client, where, command, options, timeouts.commandMs),
        stream: (command) => openChannel(client, where, command),
        close: () => {
          usable = false;
          client.end();
        },
      });
    });
    client.connect(config as ConnectConfig);
  });
}

function classifyConnectError(
  error: Error & { level?: string },
  pin: HostKeyPin,
  where: string,
  username: string,
): SshConnectError {
  if (pin.mismatch) {
    return new SshConnectError(
      'host-key-mismatch',
      `${where} presented host key ${pin.presentedFingerprint}, not the one Kubeflash generated for it. ` +
        'Something else answers at this address, or the node was installed without its Kubeflash card: ' +
        'check the address, or re-flash the node.',
      pin.presentedFingerprint,
    );
  }
  if (error.level === 'client-authentication') {
    return new SshConnectError(
      'auth-failed',
      `${where} refused the app's SSH key for user "${username}": check the plan's SSH user, or re-flash the node so its authorized_keys holds the key.`,
    );
  }
  if (error.level === 'client-timeout') {
    return new SshConnectError(
      'unreachable',
      `${where} did not complete the SSH handshake in time.`,
    );
  }
  return new SshConnectError('unreachable', `${where}: ${error.message}`);
}

function openChannel(client: ssh2.Client, where: string, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error)
        reject(new SshCommandError(`${where}: could not start a command: ${error.message}`));
      else resolve(channel);
    });
  });
}

async function execOn(
  client: ssh2.Client,
  where: string,
  command: string,
  { timeoutMs, maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES }: ExecOptions = {},
  defaultTimeoutMs: number,
): Promise<ExecResult> {
  const channel = await openChannel(client, where, command);
  const limit = timeoutMs ?? defaultTimeoutMs;
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (message: string) => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      channel.close();
      reject(new SshCommandError(`${where}: ${message}`));
    };
    const timer = setTimeout(() => fail(`a command did not finish within ${limit} ms`), limit);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutputBytes) fail(`a command printed more than ${maxOutputBytes} bytes`);
      else into.push(chunk);
    };
    channel.on('data', collect(stdout));
    channel.stderr.on('data', collect(stderr));
    channel.on('close', (code: number | null | undefined) => {
      clearTimeout(timer);
      if (failed) return;
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        code: typeof code === 'number' ? code : null,
      });
    });
    channel.end(); // no input
  });
}
