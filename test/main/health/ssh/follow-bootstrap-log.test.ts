import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { followBootstrapLog, SshConnectError } from '../../../../main/health/ssh';
import { netnsPrerequisites } from '../../../support/netns';
import { requirePrerequisites } from '../../../support/prerequisites';
import { type SshNodeHost, sshNodeHostPrerequisites } from '../../../support/ssh-node-host';
import { type SimulatedCluster, simulatedCluster, startNode, targetOf } from './simulated-cluster';

const ready =
  netnsPrerequisites().every(([ok]) => ok) && sshNodeHostPrerequisites().every(([ok]) => ok);
const CP = 'rpi-kube-cp-01';
const W1 = 'rpi-kube-worker-01';
const W2 = 'rpi-kube-worker-02';

/** A journalctl stand-in on the node's PATH: entries live in /var/log/fake-journal. */
const FAKE_JOURNALCTL = `#!/bin/sh
printf '%s\\n' "$*" >>/var/log/journalctl-args
case " $* " in
  # Like the real one, it does not notice a closed output until it writes: only kill 0 ends it.
  *" -f "*) tail -n 200 -F /var/log/fake-journal | while IFS= read -r l; do printf '%s\\n' "$l"; done ;;
  *) tail -n 1 /var/log/fake-journal 2>/dev/null ;;
esac
`;

/** Collects lines and resolves waiters when a wanted line arrives. */
class Lines {
  readonly all: string[] = [];
  #waiters: { match: (line: string) => boolean; resolve: () => void }[] = [];
  readonly push = (lines: string[]) => {
    this.all.push(...lines);
    for (const waiter of [...this.#waiters]) {
      if (lines.some(waiter.match)) {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        waiter.resolve();
      }
    }
  };
  until(text: string): Promise<void> {
    if (this.all.some((l) => l.includes(text))) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no line with "${text}" within 15 s; got ${JSON.stringify(this.all)}`)),
        15_000,
      );
      this.#waiters.push({
        match: (line) => line.includes(text),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** Commands running in the node's namespace, by name (bounded wait for them to go). */
async function commandsIn(namespace: string, names: string[]): Promise<string[]> {
  let found: string[] = [];
  for (let i = 0; i < 50; i++) {
    const pids = execFileSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    found = pids
      .map((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        } catch {
          return '';
        }
      })
      .filter((comm) => names.includes(comm));
    if (found.length === 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return found;
}

describe('followBootstrapLog against OpenSSH servers in network namespaces', () => {
  let sim: SimulatedCluster;
  let binDir: string;
  const nodes = new Map<string, SshNodeHost>();

  beforeAll(async () => {
    if (!ready) return;
    sim = await simulatedCluster(2);
    binDir = mkdtempSync(join(tmpdir(), 'kf-fake-bin-'));
    writeFileSync(join(binDir, 'journalctl'), FAKE_JOURNALCTL);
    chmodSync(join(binDir, 'journalctl'), 0o755);
    nodes.set(CP, await startNode(sim, CP));
    nodes.set(W1, await startNode(sim, W1));
    // W2 "has a journal": a journalctl on its PATH ahead of the real one.
    nodes.set(
      W2,
      await startNode(sim, W2, { binds: [{ source: binDir, target: '/usr/local/bin' }] }),
    );
  }, 120_000);

  afterAll(async () => {
    for (const node of nodes.values()) await node.stop();
    await sim?.network.cleanup();
    if (binDir) rmSync(binDir, { recursive: true, force: true });
  });

  it('follows /var/lib/kubeflash/bootstrap.log and leaves nothing running after abort', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const node = nodes.get(CP)!;
    node.appendLog('2026-11-22T10:00:00Z phase network');
    const lines = new Lines();
    const abort = new AbortController();
    const following = followBootstrapLog(
      targetOf(sim, CP),
      sim.credentials,
      lines.push,
      abort.signal,
    );
    await lines.until('phase network'); // the backlog
    node.appendLog('2026-11-22T10:00:09Z phase time');
    node.appendLog('2026-11-22T10:00:10Z phase distribution');
    await lines.until('phase distribution');
    expect(lines.all).toEqual([
      '2026-11-22T10:00:00Z phase network',
      '2026-11-22T10:00:09Z phase time',
      '2026-11-22T10:00:10Z phase distribution',
    ]);
    abort.abort();
    await following; // resolves on abort
    expect(await commandsIn(sim.network.host(CP).namespace, ['tail', 'cat', 'journalctl'])).toEqual(
      [],
    );
  });

  it('reads syslog filtered by the kubeflash-bootstrap tag when the node logs there', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const node = nodes.get(W1)!;
    const syslog = join(node.logDir, 'syslog');
    writeFileSync(
      syslog,
      [
        'Nov 22 10:00:00 w1 systemd[1]: Started something.',
        'Nov 22 10:00:01 w1 kubeflash-bootstrap: phase network',
        '',
      ].join('\n'),
    );
    node.appendLog('this file is not read: syslog has the tag');
    const lines = new Lines();
    const abort = new AbortController();
    const following = followBootstrapLog(
      targetOf(sim, W1),
      sim.credentials,
      lines.push,
      abort.signal,
    );
    await lines.until('phase network');
    appendFileSync(syslog, 'Nov 22 10:00:02 w1 kernel: eth0 up\n');
    appendFileSync(syslog, 'Nov 22 10:00:03 w1 kubeflash-bootstrap: phase time\n');
    await lines.until('phase time');
    expect(lines.all).toEqual([
      'Nov 22 10:00:01 w1 kubeflash-bootstrap: phase network',
      'Nov 22 10:00:03 w1 kubeflash-bootstrap: phase time',
    ]);
    abort.abort();
    await following;
  });

  it('prefers the journal when journalctl has entries under the tag', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const node = nodes.get(W2)!;
    const journal = join(node.logDir, 'fake-journal');
    writeFileSync(journal, '2026-11-22T10:00:01+0000 w2 kubeflash-bootstrap[9]: phase network\n');
    node.appendLog('not this one');
    const lines = new Lines();
    const abort = new AbortController();
    const following = followBootstrapLog(
      targetOf(sim, W2),
      sim.credentials,
      lines.push,
      abort.signal,
    );
    await lines.until('phase network');
    appendFileSync(journal, '2026-11-22T10:00:04+0000 w2 kubeflash-bootstrap[9]: phase join\n');
    await lines.until('phase join');
    abort.abort();
    await following;
    expect(lines.all.some((l) => l.includes('not this one'))).toBe(false);
    const args = readFileSync(join(node.logDir, 'journalctl-args'), 'utf8');
    expect(args).toContain('-f -n 200 -o short-iso -t kubeflash-bootstrap');
    expect(await commandsIn(sim.network.host(W2).namespace, ['tail', 'journalctl'])).toEqual([]);
  });

  it('gives up after a bounded number of attempts when the node does not answer', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const target = { ...targetOf(sim, W1), sshPort: 2222 }; // nothing listens there
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
    };
    await expect(
      followBootstrapLog(target, sim.credentials, () => {}, new AbortController().signal, {
        maxAttempts: 3,
        retryDelayMs: 1_000,
        sleep,
      }),
    ).rejects.toThrow(
      /Gave up following the bootstrap log of rpi-kube-worker-01 after 3 failed attempts/,
    );
    expect(sleeps).toEqual([1_000, 1_000]);
  });

  it('hands back an exception thrown by onLines instead of retrying', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    nodes.get(CP)!.appendLog('one more line');
    let calls = 0;
    const bug = new Error('bug in the caller');
    await expect(
      followBootstrapLog(
        targetOf(sim, CP),
        sim.credentials,
        () => {
          calls++;
          throw bug;
        },
        new AbortController().signal,
      ),
    ).rejects.toBe(bug);
    expect(calls).toBe(1);
  });

  it('does not retry a host-key mismatch', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const impostor = { ...targetOf(sim, W1), address: nodes.get(CP)!.address };
    const error = await followBootstrapLog(
      impostor,
      sim.credentials,
      () => {},
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshConnectError);
    expect((error as SshConnectError).state).toBe('host-key-mismatch');
  });
});
