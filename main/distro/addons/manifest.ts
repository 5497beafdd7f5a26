import { stringify } from 'yaml';

/** One Kubernetes object as an add-on manifest holds it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/**
 * Objects as one multi-document YAML file, in the order given (namespaces and CRDs first, so
 * that `kubectl apply -f` and the distributions' auto-deploy folders can create them in one go).
 */
export function renderManifest(objects: readonly KubeObject[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
}

/** A manifest file for /etc/kubeflash/manifests: `<NN>-<name>.yaml`, applied in name order. */
export interface AddonManifest {
  /** File name, e.g. `30-metallb.yaml`. */
  fileName: string;
  objects: KubeObject[];
  /** True when an object holds a credential (the file is then written 0600). */
  secret?: boolean;
}

export const namespace = (name: string, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, ...(labels ? { labels } : {}) },
});

export const serviceAccount = (name: string, ns: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: ns },
});

/** A (Cluster)RoleBinding of `role` to one ServiceAccount. */
export function binding(
  kind: 'ClusterRoleBinding' | 'RoleBinding',
  name: string,
  role: string,
  account: { name: string; namespace: string },
): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: {
      name,
      ...(kind === 'RoleBinding' ? { namespace: account.namespace } : {}),
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: kind === 'RoleBinding' ? 'Role' : 'ClusterRole',
      name: role,
    },
    subjects: [{ kind: 'ServiceAccount', ...account }],
  };
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export const rule = (
  apiGroups: string[],
  resources: string[],
  verbs: string[],
  resourceNames?: string[],
): PolicyRule => ({ apiGroups, resources, verbs, ...(resourceNames ? { resourceNames } : {}) });

export const readOnly = ['get', 'list', 'watch'];

/** Tolerate every taint: node agents (CNI, speakers) must run on control planes too. */
export const tolerateEverything = [
  { operator: 'Exists', effect: 'NoSchedule' },
  { operator: 'Exists', effect: 'NoExecute' },
];
