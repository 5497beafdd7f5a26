import { describe, expect, it } from 'vitest';

import {
  addNodes,
  type Cluster,
  createCluster,
  expandNamePattern,
  ipv4Sequence,
  maxNodesPerAdd,
  moveNode,
  planNewNodes,
  removeNode,
  renameNode,
  setInitNode,
  setNodeImage,
  setNodeIp,
  setNodeRole,
  validateCluster,
} from '../../../common/cluster';
import { KubeflashError } from '../../../common/errors';

/** 3 control planes (.101–.103, cp-01 initialises) and 2 workers (.104, .105). */
const cluster: Cluster = createCluster({
  name: 'lab',
  controlPlanes: 3,
  workers: 2,
  virtualIP: '192.168.1.100',
  subnet: '192.168.1.0/24',
  gateway: '192.168.1.1',
  dns: ['192.168.1.1'],
  firstIp: '192.168.1.101',
});
const hostnames = (c: Cluster) => c.spec.nodes.map((n) => n.hostname);
const empty: Cluster = { ...cluster, spec: { ...cluster.spec, nodes: [] } };

/** Runs `fn`, expecting a KubeflashError; returns it. */
function kubeflashError(fn: () => unknown): KubeflashError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KubeflashError);
    return error as KubeflashError;
  }
  throw new Error('expected a KubeflashError, nothing was thrown');
}

describe('expandNamePattern', () => {
  it('pads to the width of the first bound: {01..12}', () => {
    const names = expandNamePattern('rpi-kube-worker-{01..12}');
    expect(names).toHaveLength(12);
    expect(names[0]).toBe('rpi-kube-worker-01');
    expect(names[8]).toBe('rpi-kube-worker-09');
    expect(names[11]).toBe('rpi-kube-worker-12');
  });

  it('does not pad {1..3}, and keeps text after the range', () => {
    expect(expandNamePattern('node{1..3}')).toEqual(['node1', 'node2', 'node3']);
    expect(expandNamePattern('pi-{8..10}-lab')).toEqual(['pi-8-lab', 'pi-9-lab', 'pi-10-lab']);
    expect(expandNamePattern('{001..003}')).toEqual(['001', '002', '003']);
  });

  it('lets numbers outgrow the padding', () => {
    expect(expandNamePattern('w{098..101}')).toEqual(['w098', 'w099', 'w100', 'w101']);
  });

  it('gives a name without a range as itself', () => {
    expect(expandNamePattern('rpi-kube-cp-01')).toEqual(['rpi-kube-cp-01']);
    expect(expandNamePattern('x{5..5}')).toEqual(['x5']);
  });

  it(`accepts ${maxNodesPerAdd} names at once`, () => {
    expect(expandNamePattern(`n{1..${maxNodesPerAdd}}`)).toHaveLength(maxNodesPerAdd);
  });

  it.each([
    ['a{1..2}-b{1..2}', /one \{from\.\.to\} range per pattern/],
    ['w{12..01}', /counts down; write \{1\.\.12\}/],
    ['w{1..251}', /251 names is more than 250 at once/],
    ['w{0..1000}', /1001 names is more than 250/],
    ['w{01', /a range is written \{01\.\.12\}/],
    ['w}', /a range is written/],
    ['w{a..c}', /a range is written/],
    ['w{1-3}', /a range is written/],
  ])('refuses %s', (pattern, message) => {
    expect(() => expandNamePattern(pattern)).toThrow(message);
  });

  // Regression: a stray brace next to a valid range is copied into every name.
  it.each(['w{1..3}}', 'w{{1..3}', 'w{1..3}{'])('refuses the stray brace in %s', (pattern) => {
    expect(() => expandNamePattern(pattern)).toThrow(/a range is written/);
  });
});

describe('ipv4Sequence', () => {
  it('counts up across octets', () => {
    expect(ipv4Sequence('192.168.1.111', 3)).toEqual([
      '192.168.1.111',
      '192.168.1.112',
      '192.168.1.113',
    ]);
    expect(ipv4Sequence('10.0.0.254', 4)).toEqual([
      '10.0.0.254',
      '10.0.0.255',
      '10.0.1.0',
      '10.0.1.1',
    ]);
    expect(ipv4Sequence('10.255.255.255', 2)).toEqual(['10.255.255.255', '11.0.0.0']);
  });

  it('reaches 255.255.255.255 but not past it', () => {
    expect(ipv4Sequence('255.255.255.254', 2)).toEqual(['255.255.255.254', '255.255.255.255']);
    expect(() => ipv4Sequence('255.255.255.250', 7)).toThrow(RangeError);
    expect(() => ipv4Sequence('255.255.255.250', 7)).toThrow(/run past 255\.255\.255\.255/);
  });

  it('gives nothing for a count of 0', () => {
    expect(ipv4Sequence('192.168.1.1', 0)).toEqual([]);
  });
});

describe('addNodes / planNewNodes', () => {
  const small = createCluster({
    name: 'lab',
    subnet: '192.168.1.0/24',
    gateway: '192.168.1.1',
    dns: ['192.168.1.1'],
    firstIp: '192.168.1.101',
  });

  it('adds rpi-kube-worker-01…12 from 192.168.1.111 (the README example)', () => {
    const request = {
      namePattern: 'rpi-kube-worker-{01..12}',
      role: 'worker',
      firstIp: '192.168.1.111',
    } as const;
    const preview = planNewNodes(small, request);
    const added = addNodes(small, request).spec.nodes.slice(1);
    expect(added).toEqual(preview);
    expect(added).toHaveLength(12);
    expect(added[0]).toEqual({
      hostname: 'rpi-kube-worker-01',
      role: 'worker',
      ip: '192.168.1.111',
    });
    expect(added.at(-1)).toEqual({
      hostname: 'rpi-kube-worker-12',
      role: 'worker',
      ip: '192.168.1.122',
    });
    expect(added.every((n) => n.role === 'worker' && !('init' in n))).toBe(true);
    expect(validateCluster(addNodes(small, request))).toEqual([]);
  });

  it('adds nodes without addresses when no first IP is given (DHCP)', () => {
    const added = planNewNodes(small, { namePattern: 'w{1..2}', role: 'worker' });
    expect(added).toEqual([
      { hostname: 'w1', role: 'worker' },
      { hostname: 'w2', role: 'worker' },
    ]);
  });

  it('trims the pattern', () => {
    expect(hostnames(addNodes(small, { namePattern: '  w{1..2} ', role: 'worker' }))).toEqual([
      'rpi-kube-cp-01',
      'w1',
      'w2',
    ]);
  });

  it('refuses a name that already exists, and adds none of the batch', () => {
    const error = kubeflashError(() =>
      addNodes(cluster, { namePattern: 'rpi-kube-worker-{01..03}', role: 'worker' }),
    );
    expect(error.code).toBe('invalid-request');
    expect(error.subject).toBe('namePattern');
    expect(error.message).toMatch(/A node named rpi-kube-worker-01 already exists/);
  });

  it('refuses a bad pattern or first address as an invalid request on that field', () => {
    const pattern = kubeflashError(() =>
      planNewNodes(cluster, { namePattern: 'w{3..1}', role: 'worker' }),
    );
    expect([pattern.code, pattern.subject]).toEqual(['invalid-request', 'namePattern']);
    for (const firstIp of ['192.168.1', '192.168.1.300', 'pi.local']) {
      const ip = kubeflashError(() =>
        planNewNodes(cluster, { namePattern: 'w1', role: 'worker', firstIp }),
      );
      expect([ip.code, ip.subject]).toEqual(['invalid-request', 'firstIp']);
      expect(ip.message).toContain(`${firstIp} is not an IPv4 address`);
    }
    const overflow = kubeflashError(() =>
      planNewNodes(cluster, {
        namePattern: 'w{1..10}',
        role: 'worker',
        firstIp: '255.255.255.250',
      }),
    );
    expect([overflow.code, overflow.subject]).toEqual(['invalid-request', 'firstIp']);
    expect(overflow.message).toMatch(/past 255\.255\.255\.255/);
  });

  it('gives init to the first control plane added when no node has it', () => {
    const added = addNodes(empty, {
      namePattern: 'cp-{1..3}',
      role: 'control-plane',
      firstIp: '192.168.1.11',
    });
    expect(added.spec.nodes.map((n) => n.init ?? false)).toEqual([true, false, false]);
    // A worker never gets it; a control plane added later does not take it.
    expect(addNodes(empty, { namePattern: 'w1', role: 'worker' }).spec.nodes[0]).not.toHaveProperty(
      'init',
    );
    const more = addNodes(cluster, { namePattern: 'cp-{4..5}', role: 'control-plane' });
    expect(more.spec.nodes.filter((n) => n.init).map((n) => n.hostname)).toEqual([
      'rpi-kube-cp-01',
    ]);
  });
});

describe('node edits', () => {
  it('renames a node and refuses a name that is taken', () => {
    const renamed = renameNode(cluster, 'rpi-kube-worker-02', 'rpi-kube-worker-99');
    expect(hostnames(renamed)).toEqual([
      'rpi-kube-cp-01',
      'rpi-kube-cp-02',
      'rpi-kube-cp-03',
      'rpi-kube-worker-01',
      'rpi-kube-worker-99',
    ]);
    expect(renamed.spec.nodes[4]).toEqual({
      hostname: 'rpi-kube-worker-99',
      role: 'worker',
      ip: '192.168.1.105',
    });
    expect(renameNode(cluster, 'rpi-kube-cp-01', 'rpi-kube-cp-01')).toEqual(cluster);
    const taken = kubeflashError(() =>
      renameNode(cluster, 'rpi-kube-worker-02', 'rpi-kube-worker-01'),
    );
    expect([taken.code, taken.subject]).toEqual(['invalid-request', 'hostname']);
    expect(taken.message).toMatch(/A node named rpi-kube-worker-01 already exists/);
    expect(kubeflashError(() => renameNode(cluster, 'ghost', 'ghost-2')).code).toBe('not-found');
  });

  it('setNodeRole: making the init node a worker clears its init flag', () => {
    const demoted = setNodeRole(cluster, 'rpi-kube-cp-01', 'worker');
    expect(demoted.spec.nodes[0]).toEqual({
      hostname: 'rpi-kube-cp-01',
      role: 'worker',
      ip: '192.168.1.101',
    });
    expect(validateCluster(demoted).map((i) => [i.severity, i.path])).toContainEqual([
      'error',
      'spec.nodes',
    ]);
    const promoted = setNodeRole(cluster, 'rpi-kube-worker-01', 'control-plane');
    expect(promoted.spec.nodes[3]).toEqual({
      hostname: 'rpi-kube-worker-01',
      role: 'control-plane',
      ip: '192.168.1.104',
    });
    expect(setNodeRole(cluster, 'rpi-kube-cp-01', 'control-plane').spec.nodes[0]!.init).toBe(true);
  });

  it('setInitNode moves init to another control plane and refuses a worker', () => {
    const moved = setInitNode(cluster, 'rpi-kube-cp-03');
    expect(moved.spec.nodes.filter((n) => n.init).map((n) => n.hostname)).toEqual([
      'rpi-kube-cp-03',
    ]);
    expect(moved.spec.nodes[0]).not.toHaveProperty('init');
    expect(validateCluster(moved)).toEqual([]);
    const worker = kubeflashError(() => setInitNode(cluster, 'rpi-kube-worker-01'));
    expect([worker.code, worker.subject]).toEqual(['invalid-request', 'init']);
    expect(worker.message).toMatch(/rpi-kube-worker-01 is a worker/);
    expect(kubeflashError(() => setInitNode(cluster, 'ghost')).code).toBe('not-found');
  });

  it('setNodeIp sets an address, and "" or undefined removes it', () => {
    expect(setNodeIp(cluster, 'rpi-kube-worker-01', '192.168.1.150').spec.nodes[3]!.ip).toBe(
      '192.168.1.150',
    );
    for (const ip of ['', undefined]) {
      const node = setNodeIp(cluster, 'rpi-kube-worker-01', ip).spec.nodes[3]!;
      expect(node).toEqual({ hostname: 'rpi-kube-worker-01', role: 'worker' });
      expect(Object.keys(node)).not.toContain('ip');
    }
  });

  it('setNodeImage sets a per-node image, and "" goes back to the default', () => {
    const withImage = setNodeImage(cluster, 'rpi-kube-worker-02', 'ubuntu-24.04.img.xz');
    expect(withImage.spec.nodes[4]!.image).toBe('ubuntu-24.04.img.xz');
    expect(setNodeImage(withImage, 'rpi-kube-worker-02', '').spec.nodes[4]).toEqual(
      cluster.spec.nodes[4],
    );
    expect(kubeflashError(() => setNodeImage(cluster, 'ghost', 'x')).code).toBe('not-found');
  });

  it('moveNode moves, and clamps positions beyond either end', () => {
    expect(hostnames(moveNode(cluster, 'rpi-kube-worker-02', 0))[0]).toBe('rpi-kube-worker-02');
    expect(hostnames(moveNode(cluster, 'rpi-kube-cp-01', 2))).toEqual([
      'rpi-kube-cp-02',
      'rpi-kube-cp-03',
      'rpi-kube-cp-01',
      'rpi-kube-worker-01',
      'rpi-kube-worker-02',
    ]);
    expect(hostnames(moveNode(cluster, 'rpi-kube-cp-01', 99)).at(-1)).toBe('rpi-kube-cp-01');
    expect(hostnames(moveNode(cluster, 'rpi-kube-worker-02', -5))[0]).toBe('rpi-kube-worker-02');
    expect(moveNode(cluster, 'rpi-kube-cp-02', 1)).toEqual(cluster);
    expect(moveNode(cluster, 'rpi-kube-cp-02', 99).spec.nodes).toHaveLength(5);
  });

  it('removeNode removes one node; an unknown one is not-found', () => {
    expect(hostnames(removeNode(cluster, 'rpi-kube-worker-01'))).toEqual([
      'rpi-kube-cp-01',
      'rpi-kube-cp-02',
      'rpi-kube-cp-03',
      'rpi-kube-worker-02',
    ]);
    const error = kubeflashError(() => removeNode(cluster, 'rpi-kube-worker-07'));
    expect(error.code).toBe('not-found');
    expect(error.subject).toBe('rpi-kube-worker-07');
    expect(error.message).toBe('No node named rpi-kube-worker-07 in cluster lab');
  });

  it('leaves its input untouched (deep-frozen input, deep-equal before and after)', () => {
    const input = deepFreeze(structuredClone(cluster));
    const before = structuredClone(input);
    const results = [
      addNodes(input, { namePattern: 'w{1..2}', role: 'worker', firstIp: '192.168.1.150' }),
      planNewNodes(input, { namePattern: 'x', role: 'control-plane' }),
      removeNode(input, 'rpi-kube-worker-01'),
      renameNode(input, 'rpi-kube-worker-01', 'w-renamed'),
      setNodeRole(input, 'rpi-kube-cp-01', 'worker'),
      setInitNode(input, 'rpi-kube-cp-02'),
      setNodeIp(input, 'rpi-kube-cp-01', ''),
      setNodeImage(input, 'rpi-kube-cp-01', 'img.xz'),
      moveNode(input, 'rpi-kube-cp-01', 4),
    ];
    expect(input).toEqual(before);
    for (const result of results) expect(result).not.toBe(input);
    expect(results[0]).not.toEqual(input);
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
