import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NodeObservation } from '../../../../common/health';
import { openSshSession, probeNode, SessionKeeper } from '../../../../main/health/ssh';
import { generateUserKeyPair, publicKeyFingerprint } from '../../../../main/pki';
import { netnsPrerequisites } from '../../../support/netns';
import { hasCommand, requirePrerequisites } from '../../../support/prerequisites';
import { type SshNodeHost, sshNodeHostPrerequisites } from '../../../support/ssh-node-host';
import { type SimulatedCluster, simulatedCluster, startNode, targetOf } from './simulated-cluster';

const ready =
  netnsPrerequisites().every(([ok]) => ok) && sshNodeHostPrerequisites().every(([ok]) => ok);
const CP = 'rpi-kube-cp-01';
const W1 = 'rpi-kube-worker-01';
const W2 = 'rpi-kube-worker-02';
const W3 = 'rpi-kube-worker-03';
const IMPOSTOR = 'impostor';
const DARK = 'dark';

const status = (phase: string, step = 'begin') => ({
  phase,
  step,
  since: '2026-11-22T10:00:00Z',
  updated: '2026-11-22T10:00:05Z',
  lastError: null,
});

const acceptedLogins = (node: SshNodeHost) =>
  node.sshdLog().match(/Accepted publickey/g)?.length ?? 0;

describe('probeNode against OpenSSH servers in network namespaces', () => {
  let sim: SimulatedCluster;
  const nodes = new Map<string, SshNodeHost>();

  beforeAll(async () => {
    if (!ready) return;
    sim = await simulatedCluster(3);
    // W3 is planned but its card is not in yet: no sshd. The impostor answers at an address of
    // its own with W2's host keys; "dark" is a host whose link is down.
    sim.network.addHost(IMPOSTOR);
    sim.network.setLinkUp(sim.network.addHost(DARK), false);
    for (const hostname of [CP, W1, W2]) nodes.set(hostname, await startNode(sim, hostname));
    nodes.set(IMPOSTOR, await startNode(sim, W1, { hostKeysOf: W2, onHost: IMPOSTOR }));
  }, 120_000);

  afterAll(async () => {
    for (const node of nodes.values()) await node.stop();
    await sim?.network.cleanup();
  });

  it('sees SSH up, the bootstrap phase as the node advances it, and the node clock', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const target = targetOf(sim, W1);
    const node = nodes.get(W1)!;

    const before = await probeNode(target, sim.credentials);
    expect(NodeObservation.parse(before)).toEqual(before);
    expect(before).toMatchObject({
      hostname: W1,
      address: node.address,
      tcp: { ssh: true, api: null },
      ssh: 'up',
      presentedHostKey: null,
      bootstrap: null, // no status.json yet: the bootstrap has not started
      error: null,
    });

    // The node's clock and uptime: this machine's kernel serves both namespaces.
    const hostUptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    expect(before.uptimeSeconds).toBeGreaterThan(0);
    expect(Math.abs(before.uptimeSeconds! - hostUptime)).toBeLessThan(600);
    expect(Math.abs(Date.parse(before.nodeTime!) - Date.now())).toBeLessThan(600_000);
    expect(before.nodeTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);

    node.setStatus(status('network'));
    expect((await probeNode(target, sim.credentials)).bootstrap).toEqual(status('network'));
    node.setStatus({ ...status('distribution', 'installing k3s'), extra: 'dropped' });
    const later = await probeNode(target, sim.credentials);
    expect(later.bootstrap).toEqual(status('distribution', 'installing k3s'));
    expect(later.error).toBeNull();
  });

  it('reports a malformed status file as an error, not a crash', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const node = nodes.get(W2)!;
    node.setStatusText('{"phase": "join", "step": ');
    const truncated = await probeNode(targetOf(sim, W2), sim.credentials);
    expect(truncated).toMatchObject({ ssh: 'up', bootstrap: null });
    expect(truncated.error).toMatch(/status\.json on the node is not valid JSON/);
    expect(truncated.uptimeSeconds).not.toBeNull();

    node.setStatus({ phase: 42, step: 'x', since: '', updated: '', lastError: null });
    const wrongType = await probeNode(targetOf(sim, W2), sim.credentials);
    expect(wrongType.error).toMatch(/status\.json on the node is malformed: phase/);
  });

  it('checks the API port of control planes by TCP', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const target = targetOf(sim, CP);
    expect(target.apiPort).toBe(6443);
    expect((await probeNode(target, sim.credentials)).tcp).toEqual({ ssh: true, api: false });
    const api = sim.network.spawnIn(sim.network.host(CP), [
      process.execPath,
      '-e',
      `require('node:net').createServer((s) => s.end()).listen(6443, '${target.address}', () => console.log('up'))`,
    ]);
    try {
      await new Promise((resolve) => api.stdout!.once('data', resolve));
      expect((await probeNode(target, sim.credentials)).tcp).toEqual({ ssh: true, api: true });
    } finally {
      api.kill();
    }
  });

  it('raises host-key-mismatch with the presented fingerprint, and runs nothing', async (ctx) => {
    requirePrerequisites(ctx, [
      ...netnsPrerequisites(),
      ...sshNodeHostPrerequisites(),
      [hasCommand('ssh-keygen'), 'ssh-keygen (openssh-client) is needed'],
    ]);
    const impostor = nodes.get(IMPOSTOR)!;
    // W1's target, but the machine at that address presents W2's keys.
    const target = { ...targetOf(sim, W1), address: impostor.address };
    const observation = await probeNode(target, sim.credentials);
    const presented = sim.secrets.ssh!.hostKeys[W2]!.ed25519.publicKey;
    expect(observation).toMatchObject({
      ssh: 'host-key-mismatch',
      tcp: { ssh: true, api: null },
      presentedHostKey: publicKeyFingerprint(presented),
      bootstrap: null,
      nodeTime: null,
    });
    // The fingerprint is the one ssh-keygen prints for that key.
    const printed = execFileSync('ssh-keygen', ['-l', '-f', '-'], {
      input: presented,
      encoding: 'utf8',
    });
    expect(printed.split(' ')[1]).toBe(observation.presentedHostKey);
    expect(observation.error).toContain(observation.presentedHostKey!);
    // Refused during key exchange: sshd never saw an authentication, let alone a command.
    expect(acceptedLogins(impostor)).toBe(0);
    expect(impostor.sshdLog()).not.toMatch(/Accepted|session opened|Starting session/);
  });

  it('reports unreachable nodes within the timeouts', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    // W3's namespace is up but nothing listens: refused at once.
    const refused = await probeNode(targetOf(sim, W3), sim.credentials);
    expect(refused).toMatchObject({ ssh: 'unreachable', tcp: { ssh: false, api: null } });
    expect(refused.error).toMatch(/No answer on .*:22/);
    // A host whose link is down never answers: the TCP timeout bounds the probe.
    const dark = { ...targetOf(sim, W3), address: sim.network.host(DARK).address };
    const silent = await probeNode(dark, sim.credentials, { tcpTimeoutMs: 300 });
    expect(silent).toMatchObject({ ssh: 'unreachable', tcp: { ssh: false, api: null } });
    // A node without a planned address is reported, not probed.
    const unplanned = await probeNode({ ...targetOf(sim, W3), address: null }, sim.credentials);
    expect(unplanned.error).toMatch(/no address in the plan/);
  });

  it('reports auth-failed when the node does not accept the key', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const stranger = await generateUserKeyPair('stranger@test');
    const observation = await probeNode(targetOf(sim, W2), {
      ...sim.credentials,
      privateKey: stranger.privateKey,
    });
    expect(observation).toMatchObject({ ssh: 'auth-failed', tcp: { ssh: true } });
    expect(observation.error).toMatch(/refused the app's SSH key/);
  });

  it('bounds commands in time and output size', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const session = await openSshSession(targetOf(sim, W1), sim.credentials);
    try {
      expect(await session.exec('printf ok; exit 3')).toEqual({
        stdout: 'ok',
        stderr: '',
        code: 3,
      });
      await expect(
        session.exec('head -c 100000 /dev/zero', { maxOutputBytes: 1000 }),
      ).rejects.toThrow(/printed more than 1000 bytes/);
      await expect(session.exec('sleep 30', { timeoutMs: 200 })).rejects.toThrow(
        /did not finish within 200 ms/,
      );
      expect(session.usable).toBe(true); // a failed command leaves the connection usable
    } finally {
      session.close();
    }
    expect(session.usable).toBe(false);
  });

  it('keeps one connection per healthy node across probes', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const node = nodes.get(CP)!;
    const keeper = new SessionKeeper();
    try {
      const logins = acceptedLogins(node);
      for (let i = 0; i < 3; i++) {
        expect(
          (await probeNode(targetOf(sim, CP), sim.credentials, { sessions: keeper })).ssh,
        ).toBe('up');
      }
      expect(keeper.size).toBe(1);
      expect(acceptedLogins(node) - logins).toBe(1);
    } finally {
      keeper.closeAll();
    }
  });
});
