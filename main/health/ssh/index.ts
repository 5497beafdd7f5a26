// The SSH side of watching nodes come up (flow 6): reach a node with its host key pinned from the
// plan, read its bootstrap status, clock and log, fetch the kubeconfig it wrote.
export {
  type ApiEndpoint,
  type DistributionName,
  fetchKubeconfigFromNode,
  type FetchKubeconfigOptions,
  kubeconfigPaths,
  pointKubeconfigAt,
} from './fetch-kubeconfig';
export {
  followBootstrapLog,
  followLogCommand,
  type FollowLogOptions,
} from './follow-bootstrap-log';
export { HostKeyPin } from './host-key-pin';
export { type NodeFacts, nodeFactsCommand, parseNodeFacts, STATUS_PATH } from './node-facts';
export {
  DEFAULT_SSH_PORT,
  type NodeTarget,
  nodeTargetFromPlan,
  nodeTargetsFromPlan,
  pinnedKeyBlobs,
  type PlanTargets,
  type SshCredentials,
} from './node-target';
export { probeNode, type ProbeOptions } from './probe-node';
export { type OpenSession, SessionKeeper } from './session-keeper';
export {
  defaultSshTimeouts,
  type ExecResult,
  openSshSession,
  SshCommandError,
  SshConnectError,
  type SshSession,
  type SshTimeouts,
} from './ssh-session';
export { tcpReachable } from './tcp-reachable';
