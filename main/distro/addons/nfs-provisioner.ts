import { addonImages } from '../../../common/cluster';
import { binding, type KubeObject, namespace, readOnly, rule, serviceAccount } from './manifest';

export interface NfsProvisionerOptions {
  server: string;
  path: string;
  storageClass: string;
}

const NS = 'nfs-provisioner';
const NAME = 'nfs-client-provisioner';
export const NFS_PROVISIONER_NAME = 'k8s-sigs.io/nfs-subdir-external-provisioner';

/**
 * nfs-subdir-external-provisioner (deploy/ of the pinned release, in a namespace of its own):
 * every PersistentVolumeClaim of the plan's StorageClass becomes a sub-folder of the export.
 * Deleted volumes are removed, not archived (archiveOnDelete "false").
 */
export function nfsProvisionerManifest(options: NfsProvisionerOptions): KubeObject[] {
  const account = { name: NAME, namespace: NS };
  return [
    namespace(NS),
    serviceAccount(NAME, NS),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'nfs-client-provisioner-runner' },
      rules: [
        rule([''], ['nodes'], readOnly),
        rule([''], ['persistentvolumes'], [...readOnly, 'create', 'delete']),
        rule([''], ['persistentvolumeclaims'], [...readOnly, 'update']),
        rule(['storage.k8s.io'], ['storageclasses'], readOnly),
        rule([''], ['events'], ['create', 'update', 'patch']),
      ],
    },
    binding(
      'ClusterRoleBinding',
      'run-nfs-client-provisioner',
      'nfs-client-provisioner-runner',
      account,
    ),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'leader-locking-nfs-client-provisioner', namespace: NS },
      rules: [
        rule([''], ['endpoints'], [...readOnly, 'create', 'update', 'patch']),
        rule(['coordination.k8s.io'], ['leases'], [...readOnly, 'create', 'update', 'patch']),
      ],
    },
    binding(
      'RoleBinding',
      'leader-locking-nfs-client-provisioner',
      'leader-locking-nfs-client-provisioner',
      account,
    ),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: NAME, namespace: NS, labels: { app: NAME } },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: NAME } },
        template: {
          metadata: { labels: { app: NAME } },
          spec: {
            serviceAccountName: NAME,
            containers: [
              {
                name: NAME,
                image: addonImages.nfsSubdirExternalProvisioner,
                volumeMounts: [{ name: 'nfs-client-root', mountPath: '/persistentvolumes' }],
                env: [
                  { name: 'PROVISIONER_NAME', value: NFS_PROVISIONER_NAME },
                  { name: 'NFS_SERVER', value: options.server },
                  { name: 'NFS_PATH', value: options.path },
                ],
              },
            ],
            volumes: [
              { name: 'nfs-client-root', nfs: { server: options.server, path: options.path } },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: options.storageClass },
      provisioner: NFS_PROVISIONER_NAME,
      parameters: { archiveOnDelete: 'false' },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    },
  ];
}
