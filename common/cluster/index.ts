export {
  type AuthorizedKey,
  checkAuthorizedKey,
  parseAuthorizedKey,
  sshKeyTypes,
} from './authorized-key';
export { createCluster, NewClusterOptions } from './create';
export * from './ipv4';
export { expandNamePattern, maxNodesPerAdd } from './name-pattern';
export * from './node-table';
export { describeIssues, parseCluster } from './parse';
export * from './schema';
export * from './state';
export {
  hasErrors,
  validateCluster,
  type ValidationContext,
  type ValidationIssue,
} from './validate';
export * from './versions';
