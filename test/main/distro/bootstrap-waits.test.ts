import { describe, expect, it } from 'vitest';

import { distributionNames } from '../../../common/cluster';
import {
  certificateCallsBefore,
  flashSeconds,
  isCertificateCall,
  requireSandboxShells as requireShells,
  roleHostnames as hostnames,
} from '../../support/shell-sandbox-cluster';
import { useSimulationPlans } from '../../support/shell-sandbox-simulation';

// Waiting, one node at a time in the sandbox: joiners wait for the API; nothing certificate-
// related runs before the time gate opens. `sleep` advances the fake clock, so hours of waiting
// run in seconds.

const { plans, sandboxFor } = useSimulationPlans();

describe('a joining node', () => {
  for (const distribution of distributionNames) {
    it(`${distribution}: waits and retries until the endpoint answers, then joins`, (ctx) => {
      requireShells(ctx);
      const plan = plans.get(distribution)!;
      const { joiner, worker } = hostnames(plan);
      const { sandbox } = sandboxFor(distribution, [joiner, worker], {
        shell: 'busybox',
        flavour: 'apt-systemd',
      });
      const upAt = sandbox.clock + 45 * 60;
      sandbox.setApiUpAt(upAt);
      for (const node of [joiner, worker]) {
        const run = sandbox.runNode(node);
        expect(run.status, run.stderr).toBe(0);
        expect(sandbox.status(node)).toMatchObject({ phase: 'done', lastError: null });
      }
      const probes = sandbox
        .calls()
        .filter(
          (c) => c.node === joiner && c.command === 'curl' && /\/(ping|readyz)$/.test(c.args),
        );
      expect(probes.length).toBeGreaterThan(5);
      expect(probes.filter((p) => p.clock < upAt).length).toBeGreaterThan(5);
      // Joins happened only once the API answered; nobody initialised.
      const joins = sandbox.calls().filter(isJoinCall);
      expect(joins.length).toBeGreaterThanOrEqual(2);
      for (const join of joins) expect(join.clock).toBeGreaterThanOrEqual(upAt);
      expect(sandbox.events()).toEqual([`${joiner} join control-plane`, `${worker} join worker`]);
      if (distribution === 'kubeadm') {
        // The worker's card carries ca.crt for its probe; kubeadm join must be told.
        const joinOf = (node: string) =>
          joins.find((c) => c.node === node && c.command === 'kubeadm')!.args;
        expect(joinOf(worker)).toContain('FileAvailable--etc-kubernetes-pki-ca.crt');
        expect(joinOf(joiner)).not.toContain('FileAvailable');
      }
      expect(sandbox.phases(worker)).toEqual([
        'network',
        'time',
        'prerequisites',
        'install',
        'join',
        'done',
      ]);
    });
  }

  it('gives up after its bounded retries when the API never answers, and says why', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('k3s')!;
    const { worker } = hostnames(plan);
    const { sandbox } = sandboxFor('k3s', [worker], { shell: 'dash', flavour: 'apk-openrc' });
    const run = sandbox.runNode(worker);
    expect(run.status).toBe(1);
    expect(sandbox.status(worker)).toMatchObject({ phase: 'join' });
    expect(String(sandbox.status(worker)!.lastError)).toMatch(/never answered/);
    const probes = sandbox
      .calls()
      .filter((c) => c.command === 'wget' && c.args.endsWith('/ping')).length;
    expect(probes).toBe(130);
    expect(
      sandbox
        .calls()
        .filter(isCertificateCall)
        .map((c) => c.command),
    ).toEqual([]);
  });
});

function isJoinCall(call: { command: string; args: string }): boolean {
  return (
    (call.command === 'kubeadm' && call.args.startsWith('join')) ||
    (call.command === 'k0s' && call.args === 'start') ||
    ((call.command === 'systemctl' || call.command === 'rc-service') &&
      /k3s/.test(call.args) &&
      /(re)?start/.test(call.args))
  );
}

describe('the time gate', () => {
  for (const distribution of distributionNames) {
    it(`${distribution}: waits for a clock at least the flash time before anything certificate-related`, (ctx) => {
      requireShells(ctx);
      const plan = plans.get(distribution)!;
      const { init } = hostnames(plan);
      const flashTime = flashSeconds(plan);
      const { sandbox } = sandboxFor(distribution, [init], {
        shell: 'dash',
        flavour: 'apt-systemd',
        clock: flashTime - 5 * 60,
        ntpSynced: false,
      });
      const run = sandbox.runNode(init);
      expect(run.status, run.stderr).toBe(0);
      const sleepsBefore = sandbox
        .calls()
        .filter((c) => c.command === 'sleep' && c.clock < flashTime);
      expect(sleepsBefore.length).toBeGreaterThan(10);
      expect(certificateCallsBefore(sandbox, flashTime)).toEqual([]);
      expect(sandbox.calls().some(isCertificateCall)).toBe(true);
    });
  }

  it('proceeds at once when NTP is synced (chrony on OpenRC), even with the clock behind', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('k0s')!;
    const { init } = hostnames(plan);
    const { sandbox } = sandboxFor('k0s', [init], {
      shell: 'busybox',
      flavour: 'apk-openrc',
      clock: flashSeconds(plan) - 3600,
      ntpSynced: true,
    });
    expect(sandbox.runNode(init).status).toBe(0);
    expect(sandbox.calls().filter((c) => c.command === 'sleep')).toEqual([]);
    expect(sandbox.calls().some((c) => c.command === 'chronyc')).toBe(true);
  });

  it('gives up, recording the error, when the clock never becomes trustworthy', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('k3s')!;
    const { init } = hostnames(plan);
    const { sandbox } = sandboxFor('k3s', [init], {
      shell: 'busybox',
      flavour: 'apt-systemd',
      clock: flashSeconds(plan) - 10 * 3600,
      ntpSynced: false,
    });
    expect(sandbox.runNode(init).status).toBe(1);
    expect(sandbox.status(init)).toMatchObject({ phase: 'time' });
    expect(String(sandbox.status(init)!.lastError)).toMatch(/synchronised clock/);
    expect(sandbox.calls().filter(isCertificateCall)).toEqual([]);
  });
});
