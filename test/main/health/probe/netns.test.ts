import { connect } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import {
  createTestNetwork,
  listNamespaces,
  netnsPrerequisites,
  type TestNetwork,
} from '../../../support/netns';
import { requirePrerequisites } from '../../../support/prerequisites';

/** Connects from the root namespace; resolves true on connect, false on error/timeout. */
function canConnect(host: string, port: number, timeoutMs = 3_000): Promise<string | false> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, timeoutMs);
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** A one-shot TCP server inside the namespace that answers its own hostname-ish greeting. */
const LISTENER = `
const net = require('node:net');
const server = net.createServer((s) => s.end('hello from ' + process.argv[1] + '\\n'));
server.listen(Number(process.argv[2]), process.argv[3], () => process.stdout.write('listening\\n'));
`;

describe('test network namespaces', () => {
  let network: TestNetwork | undefined;
  afterEach(async () => {
    await network?.cleanup();
    network = undefined;
  });

  it('gives each host its own address, reachable from the root namespace, and cleans up', async (ctx) => {
    requirePrerequisites(ctx, netnsPrerequisites());
    network = createTestNetwork(['node-a', 'node-b']);
    const [a, b] = network.hosts;
    expect(a!.address).toMatch(/^198\.1[89]\.\d+\.2$/);
    expect(b!.address).toMatch(/^198\.1[89]\.\d+\.3$/);
    expect(network.gateway).toBe(a!.address.replace(/\.2$/, '.1'));

    // Each namespace sees only its own address on eth0.
    expect(network.execIn(a!, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).toContain(
      `${a!.address}/24`,
    );
    expect(network.execIn(a!, ['ip', '-o', '-4', 'addr', 'show'])).not.toContain(b!.address);

    const listener = network.spawnIn(a!, [
      process.execPath,
      '-e',
      LISTENER,
      'node-a',
      '7000',
      a!.address,
    ]);
    await new Promise<void>((resolve, reject) => {
      listener.stdout!.once('data', () => resolve());
      listener.once('exit', (code) => reject(new Error(`listener exited with ${code}`)));
    });
    expect(await canConnect(a!.address, 7000)).toBe('hello from node-a\n');
    // Nothing listens on b: connection refused (b is up, so the refusal comes back at once).
    expect(await canConnect(b!.address, 7000)).toBe(false);

    // A host whose link is down does not answer either.
    network.setLinkUp(a!, false);
    expect(await canConnect(a!.address, 7000, 1_000)).toBe(false);
    network.setLinkUp(a!, true);
    expect(await canConnect(a!.address, 7000)).toBe('hello from node-a\n');

    // A further address (a virtual IP) on b: reachable while b holds it.
    const vip = network.spareAddress();
    expect(vip).toBe(network.gateway.replace(/\.1$/, '.254'));
    network.addAddress(b!, vip);
    const vipListener = network.spawnIn(b!, [
      process.execPath,
      '-e',
      LISTENER,
      'node-b',
      '7001',
      vip,
    ]);
    await new Promise<void>((resolve, reject) => {
      vipListener.stdout!.once('data', () => resolve());
      vipListener.once('exit', (code) => reject(new Error(`listener exited with ${code}`)));
    });
    expect(await canConnect(vip, 7001)).toBe('hello from node-b\n');
    network.removeAddress(b!, vip);
    expect(await canConnect(vip, 7001, 1_000)).toBe(false);
    expect(() => network!.addAddress(b!, '192.168.1.10')).toThrow(/is not a host address of/);

    const names = [a!.namespace, b!.namespace];
    expect(listNamespaces()).toEqual(expect.arrayContaining(names));
    await network.cleanup();
    await network.cleanup(); // idempotent
    expect(listNamespaces().filter((n) => names.includes(n))).toEqual([]);
    expect(listener.exitCode !== null || listener.signalCode !== null).toBe(true);
    expect(await canConnect(a!.address, 7000, 1_000)).toBe(false);
  });

  it('removes namespaces left behind by a test process that died', async (ctx) => {
    requirePrerequisites(ctx, netnsPrerequisites());
    const { execFileSync, spawnSync } = await import('node:child_process');
    const dead = spawnSync('true').pid!; // a pid that has just exited
    const stale = `kubeflash-test-${dead}-0-0-leftover`;
    execFileSync('ip', ['netns', 'add', stale]);
    try {
      network = createTestNetwork(['fresh']);
      expect(listNamespaces()).not.toContain(stale);
      expect(listNamespaces()).toContain(network.host('fresh').namespace);
    } finally {
      if (listNamespaces().includes(stale)) execFileSync('ip', ['netns', 'del', stale]);
    }
  });

  it('runs a process with its own private bind mount', async (ctx) => {
    requirePrerequisites(ctx, netnsPrerequisites());
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    network = createTestNetwork(['node-c']);
    const dir = mkdtempSync(join(tmpdir(), 'kf-netns-'));
    const target = mkdtempSync(join(tmpdir(), 'kf-netns-target-'));
    try {
      writeFileSync(join(dir, 'marker'), 'private view\n');
      const child = network.spawnIn(network.host('node-c'), ['cat', join(target, 'marker')], {
        binds: [{ source: dir, target }],
      });
      let out = '';
      child.stdout!.on('data', (c) => (out += c.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      expect(out).toBe('private view\n');
      // The root namespace does not see the mount.
      const { existsSync } = await import('node:fs');
      expect(existsSync(join(target, 'marker'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(target, { recursive: true, force: true });
    }
  });
});
