import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { distributionNames } from '../../../common/cluster';
import { BootstrapStatus } from '../../../common/health';
import { nodeBundle } from '../../../main/provision/bundle';
import type { OsFlavour, SandboxShell, ShellSandbox } from '../../support/shell-sandbox';
import {
  isCertificateCall,
  planSandbox,
  planSecretStrings,
  requireSandboxShells as requireShells,
  roleHostnames,
  secretsOnCommandLines,
  type SimulationPlan,
} from '../../support/shell-sandbox-cluster';
import { useSimulationPlans } from '../../support/shell-sandbox-simulation';

// One node at a time in the sandbox (dash or busybox ash, apt+systemd or apk+OpenRC stubs):
// the phases, idempotence, downloads, prerequisites, the rebuild path (waits: bootstrap-waits).

const { plans, sandboxFor } = useSimulationPlans();

const hostnames = roleHostnames;

const matrix: [SandboxShell, OsFlavour][] = [
  ['dash', 'apt-systemd'],
  ['busybox', 'apk-openrc'],
  ['dash', 'apk-openrc'],
  ['busybox', 'apt-systemd'],
];

describe('the designated init node', () => {
  for (const distribution of distributionNames) {
    for (const [shell, flavour] of matrix) {
      it(`${distribution} under ${shell}, ${flavour}: walks the phases to done and initialises once`, (ctx) => {
        requireShells(ctx);
        const plan = plans.get(distribution)!;
        const { init } = hostnames(plan);
        const { sandbox } = sandboxFor(distribution, [init], { shell, flavour });
        const run = sandbox.runNode(init);
        expect(run.status, run.stderr).toBe(0);
        expect(sandbox.phases(init)).toEqual([
          'network',
          'time',
          'prerequisites',
          'install',
          'init',
          'done',
        ]);
        const status = BootstrapStatus.parse(sandbox.status(init));
        expect(status).toMatchObject({ phase: 'done', step: 'complete', lastError: null });
        expect(sandbox.events().filter((e) => e.endsWith(' init'))).toEqual([`${init} init`]);
        // Prerequisites, each written once.
        expect(sandbox.readRootFile(init, '/etc/sysctl.d/90-kubeflash-kubernetes.conf')).toMatch(
          /net\.bridge\.bridge-nf-call-iptables = 1\n[\s\S]*net\.ipv4\.ip_forward = 1\n/,
        );
        const modules =
          flavour === 'apt-systemd' ? '/etc/modules-load.d/kubeflash.conf' : '/etc/modules';
        expect(sandbox.readRootFile(init, modules)).toBe('overlay\nbr_netfilter\n');
        const commands = sandbox.calls().map((c) => c.command);
        expect(commands).toEqual(expect.arrayContaining(['swapoff', 'modprobe', 'sysctl']));
        // k0s installs its own service; the others go through the detected service manager.
        if (distribution !== 'k0s')
          expect(commands).toContain(flavour === 'apt-systemd' ? 'systemctl' : 'rc-service');
        expect(commands).not.toContain(flavour === 'apt-systemd' ? 'rc-service' : 'systemctl');
        expect(commands).not.toContain(flavour === 'apt-systemd' ? 'apk' : 'apt-get');
        // The verified release binary is installed.
        const binary = distribution === 'kubeadm' ? 'kubeadm' : distribution;
        expect(sandbox.readRootFile(init, `/usr/local/bin/${binary}`)).toContain(
          'fake release binary',
        );
        // kubeadm's preflight needs crictl: unpacked from its verified release archive.
        if (distribution === 'kubeadm')
          expect(sandbox.readRootFile(init, '/usr/local/bin/crictl')).toBe(
            '#!/bin/sh\necho "fake release binary: must never run in the sandbox" >&2\nexit 99\n# crictl\n',
          );
      });
    }
  }

  it('kubeadm: keepalived and haproxy run before init; add-ons are applied after, by file name', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('kubeadm')!;
    const { init } = hostnames(plan);
    const { sandbox } = sandboxFor('kubeadm', [init], { shell: 'dash', flavour: 'apt-systemd' });
    expect(sandbox.runNode(init).status).toBe(0);
    const calls = sandbox.calls().map((c) => `${c.command} ${c.args}`);
    const index = (pattern: RegExp) => calls.findIndex((c) => pattern.test(c));
    expect(index(/^apt-get install .*keepalived haproxy/)).toBeGreaterThan(-1);
    expect(index(/^systemctl restart keepalived/)).toBeGreaterThan(-1);
    expect(index(/^systemctl restart keepalived/)).toBeLessThan(index(/^kubeadm init/));
    expect(index(/^systemctl restart containerd/)).toBeLessThan(index(/^kubeadm init/));
    expect(calls[index(/^kubeadm init/)]).toContain('/etc/kubeflash/kubeadm/init.yaml');
    const applied = sandbox.events().filter((e) => e.includes(' apply '));
    expect(applied.length).toBeGreaterThan(0);
    const names = applied.map((e) => e.split(' apply ')[1]!);
    expect(names).toEqual([...names].sort());
    expect(index(/^kubectl .*apply/)).toBeGreaterThan(index(/^kubeadm init/));
    expect(sandbox.readRootFile(init, '/etc/containerd/config.toml')).toContain(
      'SystemdCgroup = true',
    );
  });

  it('kubeadm under OpenRC uses the cgroupfs configuration set and an OpenRC kubelet', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('kubeadm')!;
    const { init } = hostnames(plan);
    const { sandbox } = sandboxFor('kubeadm', [init], { shell: 'busybox', flavour: 'apk-openrc' });
    expect(sandbox.runNode(init).status).toBe(0);
    const kubeadmInit = sandbox.calls().find((c) => c.command === 'kubeadm');
    expect(kubeadmInit?.args).toContain('/etc/kubeflash/kubeadm/openrc/init.yaml');
    expect(sandbox.readRootFile(init, '/etc/init.d/kubelet')).toMatch(/^#!\/sbin\/openrc-run/);
    expect(sandbox.readRootFile(init, '/etc/containerd/config.toml')).toBeNull();
  });
});

describe('idempotence', () => {
  for (const distribution of distributionNames) {
    it(`${distribution}: a finished node exits at once; a reboot before the done marker repeats nothing`, (ctx) => {
      requireShells(ctx);
      const plan = plans.get(distribution)!;
      const { init } = hostnames(plan);
      const { sandbox } = sandboxFor(distribution, [init], {
        shell: 'dash',
        flavour: 'apt-systemd',
      });
      expect(sandbox.runNode(init).status).toBe(0);
      const snapshot = configFiles(sandbox, init);

      sandbox.clearCalls();
      expect(sandbox.runNode(init).status).toBe(0);
      expect(new Set(sandbox.calls().map((c) => c.command))).toEqual(new Set(['logger']));

      // A reboot after the cluster step but before the done marker: markers skip every step.
      sandbox.clearCalls();
      sandbox.removeRootFile(init, '/var/lib/kubeflash/done');
      expect(sandbox.runNode(init).status).toBe(0);
      const commands = sandbox.calls().map((c) => c.command);
      for (const command of ['modprobe', 'curl', 'kubeadm', 'k0s', 'apt-get']) {
        expect(commands).not.toContain(command);
      }
      expect(sandbox.events().filter((e) => e.endsWith(' init'))).toHaveLength(1);
      expect(configFiles(sandbox, init)).toEqual(snapshot);
      expect(sandbox.status(init)).toMatchObject({ phase: 'done', lastError: null });
    });
  }

  it('resumes after a failed download: completed steps are not repeated, nothing is written twice', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('k3s')!;
    const { init } = hostnames(plan);
    const { sandbox } = sandboxFor('k3s', [init], { shell: 'busybox', flavour: 'apk-openrc' });
    sandbox.unpublishRelease();
    expect(sandbox.runNode(init).status).toBe(1);
    expect(sandbox.status(init)).toMatchObject({ phase: 'install' });
    expect(String(sandbox.status(init)!.lastError)).toMatch(/could not download .*air-gap/);
    // Six bounded tries of the binary's URL; the checksum file is fetched only after it.
    expect(sandbox.calls().filter((c) => c.command === 'wget')).toHaveLength(6);

    sandbox.republishRelease();
    sandbox.clearCalls();
    expect(sandbox.runNode(init).status).toBe(0);
    expect(sandbox.calls().map((c) => c.command)).not.toContain('modprobe');
    expect(sandbox.phases(init)).toContain('install');
    expect(sandbox.readRootFile(init, '/etc/modules')).toBe('overlay\nbr_netfilter\n');
    expect(sandbox.status(init)).toMatchObject({ phase: 'done' });
  });

  it('refuses a binary that does not match the published checksum', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('kubeadm')!;
    const { worker } = hostnames(plan);
    const { sandbox } = sandboxFor('kubeadm', [worker], { shell: 'dash', flavour: 'apt-systemd' });
    sandbox.publishRelease(sandbox.readRootFile(worker, '/etc/kubeflash/node.env')!, 'kubelet');
    sandbox.setApiUpAt(0);
    expect(sandbox.runNode(worker).status).toBe(1);
    expect(String(sandbox.status(worker)!.lastError)).toMatch(
      /kubelet does not match the release's checksum/,
    );
    expect(sandbox.readRootFile(worker, '/usr/local/bin/kubelet')).toBeNull();
    expect(sandbox.calls().filter(isCertificateCall)).toEqual([]);
  });

  it('installs from an air-gap bundle checked against its SHA256SUMS, without downloading', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('k0s')!;
    const { worker } = hostnames(plan);
    const { sandbox } = sandboxFor('k0s', [worker], { shell: 'busybox', flavour: 'apk-openrc' });
    sandbox.unpublishRelease();
    sandbox.setApiUpAt(0);
    const binary = '#!/bin/sh\nexit 99\n# air-gapped k0s\n';
    sandbox.writeRootFile(worker, '/var/lib/kubeflash/airgap/k0s', binary);
    sandbox.writeRootFile(
      worker,
      '/var/lib/kubeflash/airgap/SHA256SUMS',
      `${sha256(binary)}  k0s\n`,
    );
    const run = sandbox.runNode(worker);
    expect(run.status, run.stderr).toBe(0);
    expect(sandbox.readRootFile(worker, '/usr/local/bin/k0s')).toBe(binary);
    expect(sandbox.calls().filter((c) => c.command === 'wget' && !/readyz$/.test(c.args))).toEqual(
      [],
    );
  });
});

describe('prerequisites', () => {
  it('accepts cgroup v1 with memory enabled (/proc/cgroups, HypriotOS) and refuses a kernel without memory', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('k3s')!;
    const { init, worker } = hostnames(plan);
    const { sandbox } = sandboxFor('k3s', [], { shell: 'dash' });
    const files = (hostname: string) => planFilesOf(plan, hostname);
    sandbox.addNode(init, files(init), { flavour: 'apt-systemd', cgroup: 'v1' });
    sandbox.addNode(worker, files(worker), { flavour: 'apt-systemd', cgroup: 'no-memory' });
    sandbox.publishRelease(sandbox.readRootFile(init, '/etc/kubeflash/node.env')!);
    expect(sandbox.runNode(init).status).toBe(0);
    expect(sandbox.runNode(worker).status).toBe(1);
    expect(sandbox.status(worker)).toMatchObject({ phase: 'prerequisites' });
    expect(String(sandbox.status(worker)!.lastError)).toMatch(
      /memory cgroup controller is missing/,
    );
  });
});

describe('node.env, read again on the node', () => {
  it('stops with a clear error on an unsafe value, before anything is installed', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('k0s')!;
    const { worker } = hostnames(plan);
    const { sandbox } = sandboxFor('k0s', [worker], { shell: 'busybox', flavour: 'apk-openrc' });
    const env = sandbox.readRootFile(worker, '/etc/kubeflash/node.env')!;
    sandbox.writeRootFile(
      worker,
      '/etc/kubeflash/node.env',
      env.replace(/^KF_HOSTNAME=.*$/m, "KF_HOSTNAME='a;b'"),
    );
    expect(sandbox.runNode(worker).status).toBe(1);
    expect(String(sandbox.status(worker)!.lastError)).toMatch(/node\.env: invalid hostname/);
    expect(sandbox.calls().map((c) => c.command)).not.toContain('modprobe');
  });
});

describe('rebuild: the cluster still knows this hostname', () => {
  for (const distribution of distributionNames) {
    it(`${distribution}: a re-flashed control plane deletes its NotReady node and its etcd member, then joins`, (ctx) => {
      requireShells(ctx);
      const plan = plans.get(distribution)!;
      const { joiner } = hostnames(plan);
      const { sandbox } = sandboxFor(distribution, [joiner], {
        shell: distribution === 'kubeadm' ? 'busybox' : 'dash',
        flavour: 'apt-systemd',
      });
      sandbox.setApiUpAt(0);
      sandbox.addKnownNode('rpi-kube-cp-01', 'True', 'aaaaaaaaaaaaaaa1');
      const memberName = distribution === 'k3s' ? `${joiner}-0badcafe` : joiner;
      sandbox.addKnownNode(joiner, 'Unknown');
      sandbox.addEtcdMember('bbbbbbbbbbbbbbb2', memberName);
      const run = sandbox.runNode(joiner);
      expect(run.status, run.stderr).toBe(0);
      expect(sandbox.events()).toEqual([
        `${joiner} delete node ${joiner}`,
        `${joiner} member-remove bbbbbbbbbbbbbbb2`,
        `${joiner} join control-plane`,
      ]);
      expect(sandbox.phases(joiner)).toEqual([
        'network',
        'time',
        'prerequisites',
        'install',
        'join',
        'rebuild',
        'join',
        'done',
      ]);
      const etcd = sandbox.calls().filter((c) => c.command === 'etcdctl');
      expect(etcd[0]!.args).toContain(
        '--endpoints=https://198.18.0.11:2379,https://198.18.0.13:2379',
      );
      expect(sandbox.etcdMembers().some((m) => m.startsWith('aaaaaaaaaaaaaaa1, '))).toBe(true);
      expect(sandbox.readRootFile(joiner, '/var/lib/kubeflash/rebuild/admin.key')).toBeNull();
    });
  }

  for (const distribution of distributionNames) {
    it(`${distribution}: the designated node re-flashed into a running cluster rebuilds and joins with the join files on its card, never initialises`, (ctx) => {
      requireShells(ctx);
      const plan = plans.get(distribution)!;
      const { init } = hostnames(plan);
      const { sandbox } = sandboxFor(distribution, [init], {
        shell: 'dash',
        flavour: 'apk-openrc',
      });
      sandbox.setApiUpAt(0);
      sandbox.addKnownNode(init, 'False', 'ccccccccccccccc3');
      const run = sandbox.runNode(init);
      expect(run.status, run.stderr).toBe(0);
      expect(sandbox.events()).toEqual([
        `${init} delete node ${init}`,
        `${init} member-remove ccccccccccccccc3`,
        `${init} join control-plane`,
      ]);
      const calls = sandbox.calls().map((c) => `${c.command} ${c.args}`);
      if (distribution === 'kubeadm') {
        // The join configuration on the init card (OpenRC variant), the token inside it.
        expect(calls.filter((c) => c.startsWith('kubeadm join'))).toEqual([
          'kubeadm join --config=' + `${sandbox.root(init)}/etc/kubeflash/kubeadm/openrc/join.yaml`,
        ]);
      } else if (distribution === 'k0s') {
        expect(calls.filter((c) => c.startsWith('k0s install'))).toEqual([
          expect.stringMatching(
            / install controller --enable-worker -c \S+\/etc\/k0s\/k0s\.yaml --token-file \S+\/etc\/kubeflash\/k0s\/controller-token$/,
          ),
        ]);
      } else {
        expect(sandbox.readRootFile(init, '/etc/init.d/k3s')).toContain(
          'command_args="server --server https://198.18.0.100:6443"',
        );
      }
      expect(secretsOnCommandLines(sandbox, planSecretStrings(plan))).toEqual([]);
    });
  }

  it('kubeadm with kube-vip: the re-flashed designated node points its kube-vip pod at admin.conf before it joins', (ctx) => {
    requireShells(ctx);
    const base = plans.get('kubeadm')!;
    const cluster = structuredClone(base.cluster);
    cluster.spec.controlPlane.virtualIP!.provider = 'kube-vip';
    const plan = { ...base, cluster };
    const { init } = hostnames(plan);
    const pod = '/etc/kubernetes/manifests/kube-vip.yaml';
    const sandbox = planSandbox(plan, { shell: 'busybox', flavour: 'apt-systemd', nodes: [init] });
    try {
      // As flashed: the init node's pod reads super-admin.conf (kubeadm init writes it).
      const flashed = sandbox.readRootFile(init, pod)!;
      expect(flashed).toContain('path: /etc/kubernetes/super-admin.conf');
      sandbox.setApiUpAt(0);
      sandbox.addKnownNode(init, 'Unknown', 'ddddddddddddddd4');
      const run = sandbox.runNode(init);
      expect(run.status, run.stderr).toBe(0);
      expect(sandbox.events()).toContain(`${init} join control-plane`);
      expect(sandbox.readRootFile(init, pod)).toBe(
        flashed.replace(
          'path: /etc/kubernetes/super-admin.conf',
          'path: /etc/kubernetes/admin.conf',
        ),
      );
      const join = sandbox
        .calls()
        .find((c) => c.command === 'kubeadm' && c.args.startsWith('join'));
      expect(join?.args).toContain(
        '--ignore-preflight-errors=DirAvailable--etc-kubernetes-manifests',
      );
    } finally {
      sandbox.cleanup();
    }
  });

  it('refuses to join over a Ready node of the same name after a bounded wait', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('kubeadm')!;
    const { joiner } = hostnames(plan);
    const { sandbox } = sandboxFor('kubeadm', [joiner], { shell: 'dash', flavour: 'apk-openrc' });
    sandbox.setApiUpAt(0);
    sandbox.addKnownNode(joiner, 'True');
    expect(sandbox.runNode(joiner).status).toBe(1);
    expect(String(sandbox.status(joiner)!.lastError)).toMatch(/another machine uses this hostname/);
    expect(sandbox.events()).toEqual([]);
  });

  it('a first join of a control plane the cluster does not know deletes nothing', (ctx) => {
    requireShells(ctx);
    const plan = plans.get('k3s')!;
    const { joiner } = hostnames(plan);
    const { sandbox } = sandboxFor('k3s', [joiner], { shell: 'dash', flavour: 'apt-systemd' });
    sandbox.setApiUpAt(0);
    sandbox.addKnownNode('rpi-kube-cp-01', 'True', 'aaaaaaaaaaaaaaa1');
    expect(sandbox.runNode(joiner).status).toBe(0);
    expect(sandbox.events()).toEqual([`${joiner} join control-plane`]);
    expect(sandbox.calls().filter((c) => c.command === 'etcdctl')).toEqual([]);
  });
});

function configFiles(sandbox: ShellSandbox, hostname: string): Record<string, string | null> {
  const paths = [
    '/etc/sysctl.d/90-kubeflash-kubernetes.conf',
    '/etc/modules-load.d/kubeflash.conf',
    '/etc/modules',
    '/etc/systemd/system/k3s.service',
    '/etc/systemd/system/kubelet.service',
    '/etc/containerd/config.toml',
  ];
  return Object.fromEntries(paths.map((p) => [p, sandbox.readRootFile(hostname, p)]));
}

function planFilesOf(plan: SimulationPlan, hostname: string) {
  const node = plan.cluster.spec.nodes.find((n) => n.hostname === hostname)!;
  return nodeBundle(plan.cluster, node, plan.secrets, plan.flashedAt).files;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
