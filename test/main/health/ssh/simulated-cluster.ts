import { type Cluster, createCluster } from '../../../../common/cluster';
import { generateClusterSecrets } from '../../../../main/cluster';
import { nodeTargetsFromPlan, type PlanTargets } from '../../../../main/health/ssh';
import type { Secrets } from '../../../../main/secrets';
import { createTestNetwork, planAddressing, type TestNetwork } from '../../../support/netns';
import {
  type SshNodeHost,
  type SshNodeHostOptions,
  startSshNodeHost,
  testSshUser,
} from '../../../support/ssh-node-host';

/** A plan whose nodes are namespace hosts (198.18.0.0/15), with the secrets made for it. */
export interface SimulatedCluster extends PlanTargets {
  network: TestNetwork;
  cluster: Cluster;
  secrets: Secrets;
}

/**
 * One control plane and `workers` workers, planned with the project's own code (createCluster,
 * generateClusterSecrets), addressed at the test network's hosts, SSH user = the test account.
 */
export async function simulatedCluster(workers: number): Promise<SimulatedCluster> {
  const network = createTestNetwork();
  try {
    const cluster = createCluster({
      name: 'nslab',
      ...planAddressing(network),
      controlPlanes: 1,
      workers,
      sshUser: testSshUser(),
    });
    for (const node of cluster.spec.nodes) {
      const host = network.addHost(node.hostname);
      if (host.address !== node.ip) {
        throw new Error(`plan put ${node.hostname} at ${node.ip}, the network at ${host.address}`);
      }
    }
    const secrets = await generateClusterSecrets(cluster);
    return { network, cluster, secrets, ...nodeTargetsFromPlan(cluster, secrets) };
  } catch (error) {
    await network.cleanup();
    throw error;
  }
}

/** Starts the node's sshd with its own host keys (or `hostKeysOf` another node's). */
export function startNode(
  sim: SimulatedCluster,
  hostname: string,
  options: { hostKeysOf?: string; onHost?: string; binds?: SshNodeHostOptions['binds'] } = {},
): Promise<SshNodeHost> {
  const keys = sim.secrets.ssh!.hostKeys[options.hostKeysOf ?? hostname]!;
  return startSshNodeHost({
    network: sim.network,
    host: sim.network.host(options.onHost ?? hostname),
    hostKeys: keys,
    authorizedKeys: [sim.secrets.ssh!.user!.publicKey],
    binds: options.binds,
  });
}

export function targetOf(sim: SimulatedCluster, hostname: string) {
  const target = sim.targets.find((t) => t.hostname === hostname);
  if (!target) throw new Error(`no target ${hostname}`);
  return target;
}
