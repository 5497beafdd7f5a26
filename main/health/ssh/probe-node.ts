import { KubeflashError } from '../../../common/errors';
import type { NodeObservation } from '../../../common/health';
import { nodeFactsCommand, parseNodeFacts } from './node-facts';
import { type NodeTarget, type SshCredentials } from './node-target';
import { SessionKeeper } from './session-keeper';
import { defaultSshTimeouts, SshConnectError, type SshTimeouts } from './ssh-session';
import { tcpReachable } from './tcp-reachable';

export interface ProbeOptions {
  /** Reuse connections across probes; without it each probe opens and closes its own. */
  sessions?: SessionKeeper;
  /** TCP connect checks of the SSH and API ports. */
  tcpTimeoutMs?: number;
  ssh?: SshTimeouts;
  now?: () => Date;
}

const MAX_ERROR_LENGTH = 4096;

/**
 * One look at one node: TCP to SSH (and the API port on control planes), then over SSH with the
 * pinned host key its bootstrap status, clock and uptime. Never throws: every failure is in the
 * observation (`ssh` state and `error`). Bounded by the TCP, SSH and command timeouts.
 */
export async function probeNode(
  target: NodeTarget,
  credentials: SshCredentials,
  options: ProbeOptions = {},
): Promise<NodeObservation> {
  const now = options.now ?? (() => new Date());
  const tcpTimeoutMs = options.tcpTimeoutMs ?? 3_000;
  const base: NodeObservation = {
    hostname: target.hostname,
    address: target.address,
    observedAt: now().toISOString(),
    tcp: { ssh: false, api: target.apiPort === null ? null : false },
    ssh: 'unreachable',
    presentedHostKey: null,
    bootstrap: null,
    nodeTime: null,
    uptimeSeconds: null,
    error: null,
  };
  const address = target.address;
  if (!address) {
    return withError(
      base,
      `Node ${target.hostname} has no address in the plan: set its IP in the node table.`,
    );
  }

  const [sshOpen, apiOpen] = await Promise.all([
    tcpReachable(address, target.sshPort, tcpTimeoutMs),
    target.apiPort === null
      ? Promise.resolve(null)
      : tcpReachable(address, target.apiPort, tcpTimeoutMs),
  ]);
  const observed: NodeObservation = { ...base, tcp: { ssh: sshOpen, api: apiOpen } };
  if (!sshOpen) {
    options.sessions?.drop(target.hostname);
    return withError(
      observed,
      `No answer on ${address}:${target.sshPort} (the node may still be booting, or be off).`,
    );
  }

  const keeper = options.sessions ?? new SessionKeeper(options.ssh ?? defaultSshTimeouts);
  try {
    const session = await keeper.get(target, credentials);
    const result = await session.exec(nodeFactsCommand);
    const facts = parseNodeFacts(result.stdout);
    const problems = [...facts.problems];
    if (result.code !== 0) problems.push(`the probe command exited with ${result.code}`);
    return {
      ...observed,
      ssh: 'up',
      bootstrap: facts.bootstrap,
      nodeTime: facts.nodeTime,
      uptimeSeconds: facts.uptimeSeconds,
      error: problems.length > 0 ? truncate(problems.join('; ')) : null,
    };
  } catch (error) {
    keeper.drop(target.hostname);
    if (error instanceof SshConnectError) {
      return {
        ...withError(observed, error.message),
        ssh: error.state,
        presentedHostKey: error.presentedHostKey,
      };
    }
    // A plan problem (no usable pinned key): nothing was tried, so nothing is known of SSH.
    if (error instanceof KubeflashError)
      return { ...withError(observed, error.message), ssh: 'unknown' };
    // Connected and authenticated, then a command failed (timeout, output cap, connection lost).
    return { ...withError(observed, messageOf(error)), ssh: 'up' };
  } finally {
    if (!options.sessions) keeper.closeAll();
  }
}

function withError(observation: NodeObservation, message: string): NodeObservation {
  return { ...observation, error: truncate(message) };
}

function truncate(message: string): string {
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
