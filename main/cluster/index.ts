export {
  openClusterFile,
  parseClusterYaml,
  saveClusterFile,
  saveClusterFileText,
} from './cluster-file';
export { loadPlan, renderPlan, savePlan } from './plan-file';
export { type ProjectPaths, projectPaths } from './project-paths';
export { loadState, saveState } from './state-file';
