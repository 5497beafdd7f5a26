import type { Command } from 'commander';

// The leaf module, not the domain's front door: registering a command must stay cheap.
import { type Role, roles } from '../../../common/cluster/roles';
import { withClusterOption } from '../cluster-option';
import type { CliIo } from '../io';

export interface ClusterOptions {
  cluster: string;
}

export interface NodeSetFlags extends ClusterOptions {
  ip?: string;
  role?: Role;
  rename?: string;
  image?: string;
  position?: number;
  init?: boolean;
}

/** A plain Error (the CLI prints its message): KubeflashError would load zod at start-up. */
function parseRole(value: string): Role {
  if (!(roles as readonly string[]).includes(value)) {
    throw new Error(`Role "${value}" is not one of ${roles.join(', ')}`);
  }
  return value as Role;
}

export function registerNodesCommand(program: Command, io: CliIo) {
  const nodes = program.command('nodes').description('Plan the nodes: add, list, remove, change');
  const action = () => import('./nodes-action');

  withClusterOption(nodes.command('list'))
    .description('List the planned nodes and their flash status')
    .option('--json', 'print JSON')
    .action(async (options: ClusterOptions & { json?: boolean }) =>
      (await action()).listNodes(io, options),
    );

  withClusterOption(nodes.command('add'))
    .description('Add nodes from a name pattern and an address sequence')
    .requiredOption('--names <pattern>', 'a name or a pattern like "rpi-kube-worker-{01..12}"')
    .option('--first-ip <ip>', 'address of the first new node; the others follow')
    .option('--role <role>', `${roles.join(' or ')}`, parseRole, 'worker' as Role)
    .action(async (options: ClusterOptions & { names: string; firstIp?: string; role: Role }) =>
      (await action()).addNodesToPlan(io, options),
    );

  withClusterOption(nodes.command('rm'))
    .description('Remove nodes from the plan')
    .argument('<hostname...>', 'nodes to remove')
    .action(async (hostnames: string[], options: ClusterOptions) =>
      (await action()).removeNodes(io, hostnames, options),
    );

  withClusterOption(nodes.command('set'))
    .description("Change a node's address, role, name, image, position, or make it the init node")
    .argument('<hostname>', 'the node to change')
    .option('--ip <ip>', 'new address ("" for DHCP)')
    .option('--role <role>', `${roles.join(' or ')}`, parseRole)
    .option('--rename <hostname>', 'new hostname (the card must then be flashed again)')
    .option('--image <image>', 'image for this node ("" for the cluster default)')
    .option('--position <n>', 'move to this place in the table (1 = first)', (v) => Number(v))
    .option('--init', 'this control-plane node initialises the cluster')
    .action(async (hostname: string, options: NodeSetFlags) =>
      (await action()).setNode(io, hostname, options),
    );
}
