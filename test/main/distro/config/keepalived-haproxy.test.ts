import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { setNodeIp } from '../../../../common/cluster';
import { distributionFiles, kubeadmApiServerPort } from '../../../../main/distro/config';
import { INIT_PRIORITY, virtualRouterId } from '../../../../main/distro/config/keepalived';
import { planFacts } from '../../../../main/distro/config/plan-facts';
import type { NodeFile } from '../../../../main/provision/model';
import type { Secrets } from '../../../../main/secrets';
import { hasCommand, requirePrerequisite } from '../../../support/prerequisites';
import { fileAt, nodeOf, plan, secretsFor, VIP, withTempDir, yamlDocuments } from './fixtures';

const KEEPALIVED = '/etc/keepalived/keepalived.conf';
const CHECK = '/etc/keepalived/check-apiserver.sh';
const HAPROXY = '/etc/haproxy/haproxy.cfg';

/** Runs a validator on `content` written to a temporary file; its exit status and output. */
function validate(content: string, command: (file: string) => [string, string[]]) {
  return withTempDir((dir) => {
    const file = join(dir, 'config');
    writeFileSync(file, content);
    const [cmd, args] = command(file);
    const run = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  });
}
// Config checks only: neither starts a daemon nor binds an address.
const haproxyCheck = (file: string): [string, string[]] => ['haproxy', ['-c', '-f', file]];
const keepalivedCheck = (file: string): [string, string[]] => [
  'keepalived',
  ['--config-test', '--use-file', file],
];

describe('keepalived + haproxy for a kubeadm virtual IP', () => {
  let secrets: Secrets;
  const cluster = plan('kubeadm', { vip: true });
  const controlPlanes = cluster.spec.nodes.filter((n) => n.role === 'control-plane');
  const filesOf = new Map<string, NodeFile[]>();
  beforeAll(async () => {
    secrets = await secretsFor('kubeadm');
    for (const node of cluster.spec.nodes)
      filesOf.set(node.hostname, distributionFiles(cluster, node, secrets));
  });

  it('puts both on every control plane and on no worker', () => {
    for (const node of cluster.spec.nodes) {
      const paths = filesOf.get(node.hostname)!.map((f) => f.path);
      for (const path of [KEEPALIVED, CHECK, HAPROXY])
        expect(paths.includes(path)).toBe(node.role === 'control-plane');
    }
    const single = plan('kubeadm');
    const paths = distributionFiles(single, nodeOf(single, 'init'), secrets).map((f) => f.path);
    expect(paths).not.toContain(KEEPALIVED);
    expect(paths).not.toContain(HAPROXY);
  });

  it('renders configs that haproxy -c accepts (and a broken one it rejects)', (ctx) => {
    requirePrerequisite(ctx, hasCommand('haproxy'), 'haproxy is needed (apt-get install haproxy)');
    for (const node of controlPlanes) {
      const result = validate(fileAt(filesOf.get(node.hostname)!, HAPROXY).content, haproxyCheck);
      expect(result.output).toMatch(/Configuration file is valid/);
      expect(result.status).toBe(0);
    }
    const broken = fileAt(filesOf.get(controlPlanes[0]!.hostname)!, HAPROXY).content.replace(
      'balance roundrobin',
      'balance nonsense',
    );
    expect(validate(broken, haproxyCheck).status).not.toBe(0);
  });

  it('renders configs that keepalived --config-test accepts (and a broken one it rejects)', (ctx) => {
    requirePrerequisite(
      ctx,
      hasCommand('keepalived'),
      'keepalived is needed (apt-get install keepalived)',
    );
    for (const node of controlPlanes) {
      const files = filesOf.get(node.hostname)!;
      // keepalived also checks that the track script exists and is safe to run: place the
      // rendered one (0755, in a root-only folder) and point the config at it.
      const result = withTempDir((dir) => {
        const script = join(dir, 'check-apiserver.sh');
        writeFileSync(script, fileAt(files, CHECK).content, { mode: 0o755 });
        const conf = fileAt(files, KEEPALIVED).content.replace(`"${CHECK}"`, `"${script}"`);
        return validate(conf, keepalivedCheck);
      });
      expect(result.output).toBe('');
      expect(result.status).toBe(0);
    }
    const broken = fileAt(filesOf.get(controlPlanes[0]!.hostname)!, KEEPALIVED).content.replace(
      /priority \d+/,
      'priority 999',
    );
    expect(validate(broken, keepalivedCheck).status).not.toBe(0);
  });

  it('configures a single control plane behind a virtual IP without unicast peers', (ctx) => {
    requirePrerequisite(ctx, hasCommand('keepalived'), 'keepalived is needed');
    const single = plan('kubeadm');
    single.spec.controlPlane.virtualIP = { address: VIP, provider: 'keepalived-haproxy' };
    single.spec.controlPlane.endpoint = VIP;
    const files = distributionFiles(single, nodeOf(single, 'init'), secrets);
    const conf = fileAt(files, KEEPALIVED).content;
    expect(conf).not.toContain('unicast');
    const result = withTempDir((dir) => {
      const script = join(dir, 'check-apiserver.sh');
      writeFileSync(script, fileAt(files, CHECK).content, { mode: 0o755 });
      return validate(conf.replace(`"${CHECK}"`, `"${script}"`), keepalivedCheck);
    });
    expect(result).toEqual({ status: 0, output: '' });
  });

  it('gives the init node the highest VRRP priority and every node all other control planes as peers', () => {
    const priorities = new Map<string, number>();
    for (const node of controlPlanes) {
      const conf = fileAt(filesOf.get(node.hostname)!, KEEPALIVED).content;
      priorities.set(node.hostname, Number(/priority (\d+)/.exec(conf)![1]));
      const peers = /unicast_peer \{([^}]*)\}/.exec(conf)![1]!.trim().split(/\s+/);
      expect(peers.sort()).toEqual(
        controlPlanes
          .filter((n) => n !== node)
          .map((n) => n.ip)
          .sort(),
      );
      expect(conf).toContain(`unicast_src_ip ${node.ip}`);
      expect(conf).toContain(`${VIP}/24 dev eth0`);
      expect(conf).toContain(`virtual_router_id ${virtualRouterId(VIP)}`);
      expect(conf).toContain(`script "${CHECK}"`);
    }
    const init = nodeOf(cluster, 'init').hostname;
    expect(priorities.get(init)).toBe(INIT_PRIORITY);
    const others = [...priorities].filter(([name]) => name !== init).map(([, p]) => p);
    expect(new Set(others).size).toBe(others.length);
    // A failed check (weight -60) must drop the init node below every healthy peer.
    expect(INIT_PRIORITY - 60).toBeLessThan(Math.min(...others));
    expect(virtualRouterId(VIP)).toBeGreaterThanOrEqual(1);
    expect(virtualRouterId(VIP)).toBeLessThanOrEqual(255);
  });

  it('forwards the plan port to every apiserver on a port of their own, so nothing clashes', () => {
    const facts = planFacts(cluster, controlPlanes[0]!);
    const apiPort = kubeadmApiServerPort(facts);
    expect(apiPort).not.toBe(cluster.spec.controlPlane.port);
    const cfg = fileAt(filesOf.get(controlPlanes[0]!.hostname)!, HAPROXY).content;
    expect(cfg).toContain(`bind :${cluster.spec.controlPlane.port}`);
    const servers = [...cfg.matchAll(/^\s+server (\S+) (\S+) check$/gm)].map((m) => [m[1], m[2]]);
    expect(servers).toEqual(controlPlanes.map((n) => [n.hostname, `${n.ip}:${apiPort}`]));
    const init = yamlDocuments(
      fileAt(filesOf.get(controlPlanes[0]!.hostname)!, '/etc/kubeflash/kubeadm/init.yaml').content,
    )[0] as { localAPIEndpoint: { bindPort: number } };
    expect(init.localAPIEndpoint.bindPort).toBe(apiPort);
    // A plan that itself uses 6444 moves the apiservers to 6443.
    const other = plan('kubeadm', { vip: true });
    other.spec.controlPlane.port = 6444;
    expect(kubeadmApiServerPort(planFacts(other, other.spec.nodes[0]!))).toBe(6443);
  });

  it('has a health check script that shellcheck and dash accept', (ctx) => {
    requirePrerequisite(
      ctx,
      hasCommand('shellcheck') && hasCommand('dash'),
      'shellcheck and dash are needed',
    );
    const check = fileAt(filesOf.get(controlPlanes[0]!.hostname)!, CHECK);
    expect(check.mode).toBe(0o755);
    expect(check.content).toContain(`https://127.0.0.1:${cluster.spec.controlPlane.port}/healthz`);
    withTempDir((dir) => {
      const file = join(dir, 'check.sh');
      writeFileSync(file, check.content);
      const lint = spawnSync('shellcheck', ['-s', 'sh', file], { encoding: 'utf8' });
      expect(lint.stdout).toBe('');
      expect(lint.status).toBe(0);
      expect(spawnSync('dash', ['-n', file]).status).toBe(0);
    });
  });

  it('names the control plane without an address (DHCP without a reservation)', () => {
    const dhcp = plan('kubeadm', { vip: true });
    dhcp.spec.network.addressing = 'dhcp';
    const missing = setNodeIp(dhcp, 'rpi-kube-cp-03', undefined);
    expect(() => distributionFiles(missing, missing.spec.nodes[0]!, secrets)).toThrow(
      /rpi-kube-cp-03 has no IP address, but keepalived needs every control plane as a peer/,
    );
  });
});
