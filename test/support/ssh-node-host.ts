import type { ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import type { SshHostKeysSecret } from '../../main/secrets';
import type { BindMount, NetnsHost, TestNetwork } from './netns';
import { hasCommand } from './prerequisites';

/**
 * A simulated node for SSH tests: Debian's OpenSSH server running inside a network-namespace
 * host (see netns.ts), presenting the host keys the plan generated for that node and accepting
 * the plan's user key for the account that runs the tests (root in CI). The node has its own
 * /var/lib/kubeflash, /var/log and home folder (private bind mounts of temp folders), so the test
 * can advance its status.json and bootstrap.log while sshd serves them, and the machine's shell
 * start-up files never run on a node.
 */

export const SSHD = '/usr/sbin/sshd';
const READY_TIMEOUT_MS = 10_000;

/** [ok, reason] for requirePrerequisites(), in addition to netnsPrerequisites(). */
export function sshNodeHostPrerequisites(): readonly (readonly [boolean, string])[] {
  return [[hasCommand(SSHD), 'OpenSSH server is not installed: apt-get install openssh-server']];
}

export interface SshNodeHostOptions {
  network: TestNetwork;
  host: NetnsHost;
  /** The host keys sshd presents (normally the node's own from the plan's secrets). */
  hostKeys: SshHostKeysSecret;
  /** authorized_keys lines accepted for the test user. */
  authorizedKeys: readonly string[];
  /** More private mounts, e.g. a folder at /etc/rancher/k3s holding a kubeconfig. */
  binds?: readonly BindMount[];
}

export interface SshNodeHost {
  readonly address: string;
  readonly port: 22;
  /** The account tests log in as (the current user). */
  readonly username: string;
  /** Host-side folder the node sees as /var/lib/kubeflash. */
  readonly libDir: string;
  /** Host-side folder the node sees as /var/log. */
  readonly logDir: string;
  /** Replaces /var/lib/kubeflash/status.json atomically, like bootstrap-entry.sh (tmp + rename). */
  setStatus(status: unknown): void;
  /** Writes raw text as status.json (for malformed-file tests). */
  setStatusText(text: string): void;
  /** Appends a line to /var/lib/kubeflash/bootstrap.log. */
  appendLog(line: string): void;
  /** What sshd printed (`-e`: its log goes to stderr), for assertions on what happened. */
  sshdLog(): string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** The login name tests use on simulated nodes: the account running the tests. */
export function testSshUser(): string {
  return userInfo().username;
}

/** Temp folders holding host private keys: removed by stop(), or at exit if a test crashed. */
const keyDirs = new Set<string>();
let exitHookInstalled = false;

function trackKeyDir(dir: string): () => void {
  keyDirs.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const d of keyDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  return () => {
    rmSync(dir, { recursive: true, force: true });
    keyDirs.delete(dir);
  };
}

export async function startSshNodeHost(options: SshNodeHostOptions): Promise<SshNodeHost> {
  const { network, host } = options;
  const dir = mkdtempSync(join(tmpdir(), `kf-sshd-${host.name}-`));
  const cleanupDir = trackKeyDir(dir);
  const libDir = join(dir, 'var-lib-kubeflash');
  const logDir = join(dir, 'var-log');
  const homeDir = join(dir, 'home');
  mkdirSync(libDir);
  mkdirSync(logDir);
  mkdirSync(homeDir, { mode: 0o700 });
  // sshd's privilege separation directory; Debian creates it at service start, tests must.
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755, recursive: true });

  const secretFile = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    chmodSync(path, 0o600); // mode is ignored when the file existed; it never does, but be sure
    return path;
  };
  const ed25519 = secretFile('ssh_host_ed25519_key', options.hostKeys.ed25519.privateKey);
  const rsa = secretFile('ssh_host_rsa_key', options.hostKeys.rsa.privateKey);
  const authorizedKeys = secretFile('authorized_keys', `${options.authorizedKeys.join('\n')}\n`);
  const { username, homedir: home } = userInfo();
  const config = secretFile(
    'sshd_config',
    [
      'Port 22',
      `ListenAddress ${host.address}`,
      `HostKey ${ed25519}`,
      `HostKey ${rsa}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `AllowUsers ${username}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'StrictModes no',
      'UsePAM no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      'LogLevel VERBOSE',
      'PrintMotd no',
      '',
    ].join('\n'),
  );

  const child = network.spawnIn(host, [SSHD, '-D', '-e', '-f', config], {
    binds: [
      { source: libDir, target: '/var/lib/kubeflash' },
      { source: logDir, target: '/var/log' },
      // The node's own (empty) home: the test machine's ~/.bashrc (sourced by bash for SSH
      // commands) must not run on "nodes" — e.g. a pyenv rehash lock there stalls every command.
      { source: homeDir, target: home },
      ...(options.binds ?? []),
    ],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));

  try {
    await waitForListening(child, () => log, host.address);
  } catch (error) {
    child.kill('SIGKILL');
    cleanupDir();
    throw error;
  }

  const statusPath = join(libDir, 'status.json');
  return {
    address: host.address,
    port: 22,
    username,
    libDir,
    logDir,
    setStatus: (status) => {
      writeFileSync(`${statusPath}.tmp`, `${JSON.stringify(status)}\n`);
      // rename is atomic: the probe never reads half a file
      renameSync(`${statusPath}.tmp`, statusPath);
    },
    setStatusText: (text) => writeFileSync(statusPath, text),
    appendLog: (line) => appendFileSync(join(libDir, 'bootstrap.log'), `${line}\n`),
    sshdLog: () => log,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
        child.kill('SIGKILL');
      }
      // sshd's per-connection processes outlive the listener; a node that is gone has no
      // connections left (a kept session to it would otherwise go on answering forever).
      network.killIn(host, 'sshd');
      cleanupDir();
    },
  };
}

/** Resolves when sshd logs "Server listening on <address> port 22."; bounded. */
function waitForListening(child: ChildProcess, log: () => string, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (log().includes(`Server listening on ${address} port 22`)) finish();
    };
    const onExit = (code: number | null) =>
      finish(new Error(`sshd exited (${code}) before listening:\n${log().slice(-2000)}`));
    const timer = setTimeout(
      () => finish(new Error(`sshd did not listen within ${READY_TIMEOUT_MS} ms:\n${log()}`)),
      READY_TIMEOUT_MS,
    );
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}
