// Watching many nodes with bounded resources: a pool of probes, per-node backoff, one kept SSH
// connection per healthy node.
export { type Clock, systemClock } from './clock';
export { Limiter } from './limiter';
export {
  DEFAULT_MAX_CONCURRENT_PROBES,
  type ProbeFunction,
  ProbeScheduler,
  type ProbeSchedulerOptions,
} from './probe-scheduler';
export { watchNodes, type WatchNodesOptions } from './watch-nodes';
