// Distributions on a node: the bootstrap scripts (scripts/*.sh, composed per distribution in
// bootstrap-script.ts) with the node's facts and release downloads (node-env.ts, from
// common/cluster/versions.ts), and the configuration files and add-on manifests (config/, addons/).
export {
  composeScript,
  distributionScript,
  distributionScriptPath,
  withBootstrapLibrary,
} from './bootstrap-script';
export { distributionFiles, distroPaths } from './config';
export { k3sNodePassword, k3sNodePasswordPath } from './k3s-node-password';
export { nodeEnv, nodeEnvPath, releaseVariable } from './node-env';
