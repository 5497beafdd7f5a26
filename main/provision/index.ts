// Provisioning: what goes on each node's card. detect/ (which OS), bundle.ts (what every node
// needs), payload/ (the OS family's format), disk/ (writing it onto an image or card).
export { bootstrapEntryPath, nodeBundle, nodeConfig } from './bundle';
export { type DetectedOs, detectOs } from './detect';
export { applyBootPayload, type DiskTarget, type PayloadMismatch, readBackPayload } from './disk';
export * from './model';
export {
  buildNodePayload,
  type ImageProfile,
  type NodePayloadRequest,
  payloadForTarget,
  profileTarget,
} from './node-payload';
