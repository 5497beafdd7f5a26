import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  cpuArchitectures,
  distributionDownloads,
  distributionNames,
} from '../../../common/cluster';
import { distributionScript, distributionScriptPath } from '../../../main/distro/bootstrap-script';
import { distroPaths } from '../../../main/distro/config';
import { nodeEnv, nodeEnvPath, releaseVariable } from '../../../main/distro/node-env';
import { bootstrapEntryPath, nodeBundle } from '../../../main/provision/bundle';
import { hasCommand, requirePrerequisite } from '../../support/prerequisites';
import { parseNodeEnv } from '../../support/shell-sandbox';
import { planSandbox, type SimulationPlan } from '../../support/shell-sandbox-cluster';
import { guardedRegions, withoutRegion } from '../../support/shell-sandbox-mutations';
import { useSimulationPlans } from '../../support/shell-sandbox-simulation';

const { plans } = useSimulationPlans();

const roleNodes = (plan: SimulationPlan) => {
  const nodes = plan.cluster.spec.nodes;
  return {
    'init control plane': nodes.find((n) => n.init)!,
    'joining control plane': nodes.find((n) => n.role === 'control-plane' && !n.init)!,
    worker: nodes.find((n) => n.role === 'worker')!,
  };
};

describe('node.env', () => {
  it('holds the node facts, single-quoted, and sources in sh to the same values', () => {
    const plan = plans.get('k3s')!;
    const node = plan.cluster.spec.nodes[1]!;
    const text = nodeEnv(plan.cluster, node);
    const env = parseNodeEnv(text);
    expect(env).toMatchObject({
      KF_CLUSTER: 'sim',
      KF_HOSTNAME: node.hostname,
      KF_ROLE: 'control-plane',
      KF_INIT: 'no',
      KF_DISTRIBUTION: 'k3s',
      KF_VERSION: plan.cluster.spec.distribution.version,
      KF_ENDPOINT_HOST: '198.18.0.100',
      KF_ENDPOINT_PORT: '6443',
      KF_VIP: '198.18.0.100',
      KF_VIP_PROVIDER: 'kube-vip',
      KF_ADDRESS: node.ip,
      KF_CONTROL_PLANE_ADDRESSES: '198.18.0.11 198.18.0.12 198.18.0.13',
    });
    const sourced = execFileSync(
      'dash',
      ['-c', `${text}\nprintf '%s|%s' "$KF_HOSTNAME" "$KF_RELEASE_ARMHF_K3S"`],
      {
        encoding: 'utf8',
      },
    );
    expect(sourced).toBe(`${node.hostname}|${env.KF_RELEASE_ARMHF_K3S}`);
  });

  it('refuses values that are unsafe in shell or wrong, naming the field', () => {
    const { cluster } = plans.get('k3s')!;
    const node = cluster.spec.nodes[0]!;
    expect(() => nodeEnv(cluster, { ...node, hostname: "x'; rm -rf /" })).toThrow(/hostname/);
    expect(() => nodeEnv(cluster, { ...node, ip: '$(reboot)' })).toThrow(/not an IPv4 address/);
    const badVersion = {
      ...cluster,
      spec: { ...cluster.spec, distribution: { name: 'k3s' as const, version: 'v1.32.5;id' } },
    };
    expect(() => nodeEnv(badVersion, node)).toThrow(/not a k3s version/);
    const badEndpoint = {
      ...cluster,
      spec: { ...cluster.spec, controlPlane: { ...cluster.spec.controlPlane, endpoint: 'a b' } },
    };
    expect(() => nodeEnv(badEndpoint, node)).toThrow(/endpoint/);
    const workerInit = cluster.spec.nodes.find((n) => n.role === 'worker')!;
    expect(() => nodeEnv(cluster, { ...workerInit, init: true })).toThrow(/worker/);
  });
});

describe('release downloads in node.env', () => {
  it('are the pinned downloads of common/cluster/versions.ts, for every architecture', () => {
    for (const name of distributionNames) {
      const plan = plans.get(name)!;
      const env = parseNodeEnv(nodeEnv(plan.cluster, plan.cluster.spec.nodes[0]!));
      const released = Object.keys(env).filter((key) => key.startsWith('KF_RELEASE_'));
      const expected = cpuArchitectures.flatMap((arch) =>
        distributionDownloads(name, plan.cluster.spec.distribution.version, arch).map((d) => {
          const entry = d.checksumFormat === 'sha256sum' ? ` ${d.fileName}` : '';
          return [releaseVariable(arch, d.name), `${d.url} ${d.checksumUrl}${entry}`];
        }),
      );
      expect(released.map((key) => [key, env[key]])).toEqual(expected);
    }
    const kubeadm = parseNodeEnv(
      nodeEnv(plans.get('kubeadm')!.cluster, plans.get('kubeadm')!.cluster.spec.nodes[0]!),
    );
    expect(kubeadm.KF_RELEASE_ARMHF_KUBELET).toBe(
      'https://dl.k8s.io/release/v1.32.5/bin/linux/arm/kubelet https://dl.k8s.io/release/v1.32.5/bin/linux/arm/kubelet.sha256',
    );
    expect(kubeadm.KF_RELEASE_ARM64_CNI_PLUGINS).toMatch(/ cni-plugins-linux-arm64-v[\d.]+\.tgz$/);
  });
});

describe('rendered scripts', () => {
  it('are in every bundle: entry, distribution script and node.env, with the distribution part', () => {
    for (const name of distributionNames) {
      const plan = plans.get(name)!;
      for (const node of Object.values(roleNodes(plan))) {
        const files = new Map(
          nodeBundle(plan.cluster, node, plan.secrets, plan.flashedAt).files.map((f) => [
            f.path,
            f,
          ]),
        );
        expect(files.get(distributionScriptPath)).toMatchObject({ mode: 0o755, secret: false });
        expect(files.get(distributionScriptPath)!.content).toBe(distributionScript(name));
        expect(files.get(nodeEnvPath)!.content).toContain(`KF_HOSTNAME='${node.hostname}'`);
        expect(files.get(bootstrapEntryPath)!.content).toMatch(/^#!\/bin\/sh\n/);
      }
    }
    expect(distributionScript('k3s')).toContain('k3s server --cluster-init');
    expect(distributionScript('kubeadm')).toContain('kubeadm init --config=');
    expect(distributionScript('k0s')).toContain('k0s_install_once controller --enable-worker -c');
  });

  it('use the paths the distribution configs are written to', () => {
    // The scripts spell /etc/kubeflash as $KF_ETC and prefix the root ($R) in sandboxes.
    const spelled = (path: string) => path.replace('/etc/kubeflash', '$KF_ETC');
    for (const name of distributionNames) {
      expect(distroPaths.manifests).toBe('/etc/kubeflash/manifests');
      expect(distributionScript(name)).toContain('"$KF_ETC"/manifests/*.yaml');
    }
    const kubeadm = distributionScript('kubeadm');
    expect(kubeadm).toContain(`"${spelled(distroPaths.kubeadmInit).replace('/init.yaml', '')}"`);
    expect(kubeadm).toContain(
      `"${spelled(distroPaths.kubeadmInitOpenrc).replace('/init.yaml', '')}"`,
    );
    expect(distroPaths.kubeadmJoin.replace('join', 'init')).toBe(distroPaths.kubeadmInit);
    expect(kubeadm).toContain(distroPaths.kubeVipStaticPod);
    const k0s = distributionScript('k0s');
    expect(k0s).toContain(distroPaths.k0sConfig);
    expect(k0s).toContain(spelled(distroPaths.k0sWorkerToken));
    expect(k0s).toContain(spelled(distroPaths.k0sControllerToken));
    expect(distributionScript('k3s')).toContain('/var/lib/rancher/k3s/server/manifests');
  });

  it('mark the guarded regions so that tests can remove them', () => {
    const texts = [...distributionNames.map(distributionScript)];
    for (const region of guardedRegions) {
      const holders = [...texts, nodeBundleEntry()].filter((t) =>
        t.includes(`# kubeflash:begin ${region}\n`),
      );
      expect(holders.length, region).toBeGreaterThan(0);
      for (const text of holders) expect(() => withoutRegion(text, region)).not.toThrow();
    }
  });
});

function nodeBundleEntry(): string {
  const plan = plans.get('k3s')!;
  return nodeBundle(
    plan.cluster,
    plan.cluster.spec.nodes[0]!,
    plan.secrets,
    plan.flashedAt,
  ).files.find((f) => f.path === bootstrapEntryPath)!.content;
}

describe('shellcheck and the shells', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-shellcheck-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The scripts are the same for every OS family (apt/apk and systemd/OpenRC are detected on
  // the node): each distribution × role bundle is rendered and every script in it checked.
  for (const name of distributionNames) {
    for (const role of ['init control plane', 'joining control plane', 'worker'] as const) {
      it(`${name}, ${role}: shellcheck -s sh and -s dash find nothing; dash and busybox parse it`, (ctx) => {
        requirePrerequisite(
          ctx,
          hasCommand('shellcheck') && hasCommand('dash') && hasCommand('busybox'),
          'shellcheck, dash and busybox are needed (apt-get install shellcheck dash busybox)',
        );
        const plan = plans.get(name)!;
        const node = roleNodes(plan)[role];
        const scripts = nodeBundle(plan.cluster, node, plan.secrets, plan.flashedAt).files.filter(
          (f) => f.path === bootstrapEntryPath || f.path === distributionScriptPath,
        );
        expect(scripts).toHaveLength(2);
        for (const file of scripts) {
          expect(checkScript(file.content), file.path).toEqual({
            sh: '',
            dash: '',
            'dash -n': '',
            'busybox ash -n': '',
          });
        }
      });
    }
  }

  // The services the scripts write at run time: OpenRC init scripts are sh (`openrc-run` runs
  // them; it reads description, command… so unused-looking variables, SC2034, are its input).
  // systemd units are not shell. k0s writes none (`k0s install` makes its own).
  for (const name of ['k3s', 'kubeadm'] as const) {
    it(`${name}: the OpenRC services it writes on every role pass shellcheck, dash and busybox`, (ctx) => {
      requirePrerequisite(
        ctx,
        hasCommand('shellcheck') && hasCommand('dash') && hasCommand('busybox'),
        'shellcheck, dash and busybox are needed (apt-get install shellcheck dash busybox)',
      );
      const plan = plans.get(name)!;
      const nodes = Object.values(roleNodes(plan)).map((n) => n.hostname);
      const sandbox = planSandbox(plan, { shell: 'busybox', flavour: 'apk-openrc', nodes });
      try {
        const services: string[] = [];
        for (const hostname of nodes) {
          const run = sandbox.runNode(hostname);
          expect(run.status, run.stderr).toBe(0);
          const dir = join(sandbox.root(hostname), 'etc/init.d');
          for (const service of existsSync(dir) ? readdirSync(dir) : []) {
            services.push(`${hostname}:${service}`);
            const content = readFileSync(join(dir, service), 'utf8');
            expect(content, service).toMatch(/^#!\/sbin\/openrc-run\n/);
            expect(checkScript(content, ['-e', 'SC2034']), `${hostname} ${service}`).toEqual({
              sh: '',
              dash: '',
              'dash -n': '',
              'busybox ash -n': '',
            });
          }
        }
        const [init, joiner, worker] = nodes;
        expect(services.sort()).toEqual(
          name === 'k3s'
            ? [`${init}:k3s`, `${joiner}:k3s`, `${worker}:k3s-agent`].sort()
            : [`${init}:kubelet`, `${joiner}:kubelet`, `${worker}:kubelet`].sort(),
        );
      } finally {
        sandbox.cleanup();
      }
    });
  }

  it('reports findings when there are some (a control for the checks above)', (ctx) => {
    requirePrerequisite(
      ctx,
      hasCommand('shellcheck') && hasCommand('busybox'),
      'shellcheck and busybox are needed',
    );
    const findings = checkScript('#!/bin/sh\necho $1\nif then\n');
    expect(findings.sh).toMatch(/SC/);
    expect(findings['busybox ash -n']).not.toBe('');
  });

  // Roles share script texts: each distinct text is checked once, its findings reused.
  const checked = new Map<string, Record<string, string>>();
  function checkScript(content: string, shellcheckArgs: string[] = []): Record<string, string> {
    const key = `${shellcheckArgs.join(' ')}\n${content}`;
    const known = checked.get(key);
    if (known) return known;
    const path = join(dir, `script-${checked.size}.sh`);
    writeFileSync(path, content);
    const findings = {
      sh: run('shellcheck', ['-s', 'sh', '-f', 'gcc', ...shellcheckArgs, path]),
      dash: run('shellcheck', ['-s', 'dash', '-f', 'gcc', ...shellcheckArgs, path]),
      'dash -n': run('dash', ['-n', path]),
      'busybox ash -n': run('busybox', ['ash', '-n', path]),
    };
    checked.set(key, findings);
    return findings;
  }
});

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}` || String(error);
  }
}
