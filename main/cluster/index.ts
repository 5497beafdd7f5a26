export {
  openClusterFile,
  parseClusterYaml,
  saveClusterFile,
  saveClusterFileText,
} from './cluster-file';
export { ensureNodeSecrets, generateClusterSecrets, tokenNames } from './cluster-secrets';
export { type PassphraseKeeper } from './passphrase-keeper';
export { loadPlan, renderPlan, savePlan } from './plan-file';
export { type ProjectPaths, projectPaths } from './project-paths';
export { loadState, saveState } from './state-file';
export { ClusterWorkspace, type KubeconfigDestination, type WorkspaceOptions } from './workspace';
