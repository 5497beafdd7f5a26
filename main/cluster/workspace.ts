import { access } from 'node:fs/promises';
import { homedir } from 'node:os';

import {
  type CardIdentityState,
  type Cluster,
  type ClusterState,
  createCluster,
  emptyState,
  hasErrors,
  markFlashed,
  markFlashFailed,
  markForRebuild,
  type NewClusterOptions,
  pruneState,
  validateCluster,
  type ValidationIssue,
} from '../../common/cluster';
import type { ClusterView, SecretsStatus } from '../../common/cluster-view';
import { KubeflashError } from '../../common/errors';
import type { ClusterTimeline } from '../../common/health';
import {
  apiServerUrl,
  buildKubeconfig,
  type CertificateAndKey,
  certificateValidity,
  mergeIntoKubeconfigFile,
  publicKeyFingerprint,
  resolveKubeconfigPath,
  saveKubeconfig,
  servingCertificateAuthority,
} from '../pki';
import {
  checkNewPassphrase,
  type EncryptOptions,
  readSecretsFile,
  type Secrets,
  writeSecretsFile,
} from '../secrets';
import { ensureNodeSecrets, generateClusterSecrets } from './cluster-secrets';
import { loadPlan, savePlan } from './plan-file';
import { projectPaths } from './project-paths';
import { loadState, saveState } from './state-file';

export interface WorkspaceOptions {
  now?: () => Date;
  /** Lower scrypt cost in tests only. */
  vault?: EncryptOptions;
  env?: NodeJS.ProcessEnv;
  homedir?: string;
}

export type KubeconfigDestination =
  { kind: 'file'; file: string } | { kind: 'merge'; kubeconfigPath?: string };

/**
 * The clusters a UI or the CLI works on: plan, state and secrets kept in step. Unlocked secrets
 * stay in this process's memory only, per cluster file, until locked.
 */
export class ClusterWorkspace {
  readonly #unlocked = new Map<string, { secrets: Secrets; passphrase: string }>();
  /** State-file updates of one cluster run one after another (two cards may finish together). */
  readonly #stateQueue = new Map<string, Promise<unknown>>();

  constructor(private readonly options: WorkspaceOptions = {}) {}

  async create(
    path: string,
    options: NewClusterOptions,
    passphrase: string,
    extra: { overwrite?: boolean; wifiPassphrase?: string } = {},
  ): Promise<ClusterView> {
    checkNewPassphrase(passphrase);
    const paths = projectPaths(path);
    if (!extra.overwrite) {
      for (const file of [paths.cluster, paths.secrets]) {
        if (await exists(file)) {
          throw new KubeflashError(
            'invalid-request',
            `${file} already exists: open it, or choose another name`,
            file,
          );
        }
      }
    }
    const cluster = createCluster(options);
    const issues = validateCluster(cluster, { wifiPassphrase: extra.wifiPassphrase });
    if (hasErrors(issues)) throw planError(issues);
    const secrets: Secrets = {
      ...(await generateClusterSecrets(cluster, this.#now())),
      ...(extra.wifiPassphrase ? { wifiPassphrase: extra.wifiPassphrase } : {}),
    };
    // Secrets first: a plan without its secrets would be a cluster nobody can join.
    await writeSecretsFile(paths.secrets, secrets, passphrase, this.options.vault);
    await savePlan(paths.cluster, cluster);
    await saveState(paths.state, emptyState());
    this.#unlocked.set(path, { secrets, passphrase });
    return this.view(path);
  }

  async view(path: string): Promise<ClusterView> {
    const paths = projectPaths(path);
    const cluster = await loadPlan(path);
    const state = await loadState(paths.state);
    const unlocked = this.#unlocked.get(path);
    return {
      path,
      cluster,
      state,
      issues: validateCluster(cluster, { wifiPassphrase: unlocked?.secrets.wifiPassphrase }),
      secrets: unlocked
        ? describeUnlocked(paths.secrets, unlocked.secrets)
        : { ...lockedStatus(paths.secrets), exists: await exists(paths.secrets) },
    };
  }

  /** Save an edited plan; state entries of nodes no longer planned are dropped. */
  async save(path: string, cluster: Cluster): Promise<ClusterView> {
    const paths = projectPaths(path);
    await savePlan(path, cluster);
    const state = await loadState(paths.state);
    const pruned = pruneState(
      state,
      cluster.spec.nodes.map((n) => n.hostname),
    );
    if (Object.keys(pruned.nodes).length !== Object.keys(state.nodes).length)
      await saveState(paths.state, pruned);
    const unlocked = this.#unlocked.get(path);
    if (unlocked) await this.#syncNodeSecrets(path, cluster, unlocked);
    return this.view(path);
  }

  /**
   * `decrypting`: the secrets file already being decrypted with this passphrase (the CLI starts
   * that as a command begins, so the slow key derivation runs while it loads the rest).
   */
  async unlock(
    path: string,
    passphrase: string,
    decrypting?: Promise<Secrets>,
  ): Promise<ClusterView> {
    const secrets = await (decrypting ?? readSecretsFile(projectPaths(path).secrets, passphrase));
    const entry = { secrets, passphrase };
    await this.#syncNodeSecrets(path, await loadPlan(path), entry);
    return this.view(path);
  }

  lock(path: string): void {
    this.#unlocked.delete(path);
  }

  /** The unlocked secrets, for the flash engine; a clear error while locked. */
  secrets(path: string): Secrets {
    const entry = this.#unlocked.get(path);
    if (!entry) {
      throw new KubeflashError(
        'permission-denied',
        `Unlock the secrets of ${path} first (its passphrase)`,
        path,
      );
    }
    return entry.secrets;
  }

  async markForRebuild(path: string, hostname: string): Promise<ClusterView> {
    const cluster = await loadPlan(path);
    if (!cluster.spec.nodes.some((n) => n.hostname === hostname)) {
      throw new KubeflashError('not-found', `No node named ${hostname} in ${path}`, hostname);
    }
    await this.#updateState(path, (state) => markForRebuild(state, hostname, this.#now()));
    return this.view(path);
  }

  /** Record a flash outcome in the state file (the unprivileged app writes it, never the writer). */
  async recordFlash(
    path: string,
    hostname: string,
    outcome: { ok: true; card: CardIdentityState } | { ok: false; reason: string },
  ): Promise<ClusterState> {
    return this.#updateState(path, (state) => {
      const now = this.#now();
      return outcome.ok
        ? markFlashed(state, hostname, now, outcome.card)
        : markFlashFailed(state, hostname, now, outcome.reason);
    });
  }

  /**
   * Change the health timeline (flow 6) in step with flash results; `change` returns the timeline
   * it was given when nothing new happened, and then nothing is written.
   */
  async updateTimeline(
    path: string,
    change: (timeline: ClusterTimeline, state: ClusterState) => ClusterTimeline,
  ): Promise<ClusterState> {
    return this.#updateState(path, (state) => {
      const before = state.timeline ?? { nodes: {} };
      const after = change(before, state);
      return after === before ? state : { ...state, timeline: after };
    });
  }

  /** Read-change-write of the state file, serialised per cluster. */
  #updateState(path: string, change: (state: ClusterState) => ClusterState): Promise<ClusterState> {
    const statePath = projectPaths(path).state;
    const previous = this.#stateQueue.get(statePath) ?? Promise.resolve();
    const next = previous
      .catch(() => {})
      .then(async () => {
        const current = await loadState(statePath);
        const updated = change(current);
        // A change that returns the state itself changed nothing: no write (health probes).
        if (updated !== current) await saveState(statePath, updated);
        return updated;
      });
    this.#stateQueue.set(statePath, next);
    return next;
  }

  /** The admin kubeconfig, signed by the cluster CA before any node exists. */
  async kubeconfig(
    path: string,
    contextName?: string,
  ): Promise<{ text: string; contextName: string }> {
    const cluster = await loadPlan(path);
    const secrets = this.secrets(path);
    if (!secrets.pki || !secrets.admin) {
      throw new KubeflashError(
        'invalid-file',
        `${projectPaths(path).secrets} holds no cluster CA: was it made by kubeflash init?`,
      );
    }
    const context = contextName ?? cluster.metadata.name;
    const { controlPlane } = cluster.spec;
    if (!controlPlane.endpoint) {
      throw new KubeflashError(
        'invalid-request',
        'The control-plane endpoint is not set',
        'spec.controlPlane.endpoint',
      );
    }
    const text = buildKubeconfig({
      clusterName: context,
      contextName: context,
      userName: `${context}-admin`,
      server: apiServerUrl(controlPlane.endpoint, controlPlane.port),
      certificateAuthorityPem: servingCertificateAuthority(secrets.pki).certificatePem,
      clientCertificatePem: secrets.admin.certificatePem,
      clientKeyPem: secrets.admin.privateKeyPem,
    });
    return { text, contextName: context };
  }

  async writeKubeconfig(path: string, destination: KubeconfigDestination, contextName?: string) {
    const { text, contextName: context } = await this.kubeconfig(path, contextName);
    return this.storeKubeconfig(text, destination, context);
  }

  /** Save or merge a kubeconfig's text: the generated one, or one fetched from the init node. */
  async storeKubeconfig(text: string, destination: KubeconfigDestination, context: string) {
    if (destination.kind === 'file') {
      const saved = await saveKubeconfig(destination.file, text);
      return { ...saved, contextName: context };
    }
    const target =
      destination.kubeconfigPath ??
      resolveKubeconfigPath(this.options.env ?? process.env, this.options.homedir ?? homedir());
    const saved = await mergeIntoKubeconfigFile({
      incomingText: text,
      contextName: context,
      path: target,
    });
    return { ...saved, contextName: context };
  }

  async #syncNodeSecrets(
    path: string,
    cluster: Cluster,
    entry: { secrets: Secrets; passphrase: string },
  ) {
    const { secrets, changed } = await ensureNodeSecrets(cluster, entry.secrets);
    if (changed)
      await writeSecretsFile(
        projectPaths(path).secrets,
        secrets,
        entry.passphrase,
        this.options.vault,
      );
    this.#unlocked.set(path, { secrets, passphrase: entry.passphrase });
  }

  #now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function planError(issues: ValidationIssue[]): KubeflashError {
  const errors = issues.filter((i) => i.severity === 'error');
  const list = errors
    .slice(0, 6)
    .map((i) => `${i.path}: ${i.message}`)
    .join('\n');
  return new KubeflashError(
    'invalid-request',
    `The plan has ${errors.length} error(s):\n${list}`,
    errors[0]?.path,
  );
}

function lockedStatus(file: string): SecretsStatus {
  return {
    file,
    exists: true,
    unlocked: false,
    certificates: [],
    userKeyFingerprint: null,
    userPublicKey: null,
    hostKeys: [],
  };
}

function describeUnlocked(file: string, secrets: Secrets): SecretsStatus {
  const named: [string, unknown][] = [
    ...Object.entries(secrets.pki ?? {}),
    ['admin', secrets.admin],
  ];
  const certificates = named
    .filter((entry): entry is [string, CertificateAndKey] => isCertificateAndKey(entry[1]))
    .map(([name, { certificatePem }]) => {
      const { notBefore, notAfter } = certificateValidity(certificatePem);
      return { name, notBefore, notAfter };
    });
  const user = secrets.ssh?.user;
  return {
    file,
    exists: true,
    unlocked: true,
    certificates,
    userKeyFingerprint: user ? publicKeyFingerprint(user.publicKey) : null,
    userPublicKey: user?.publicKey ?? null,
    hostKeys: Object.entries(secrets.ssh?.hostKeys ?? {}).map(([hostname, keys]) => ({
      hostname,
      fingerprints: [
        publicKeyFingerprint(keys.ed25519.publicKey),
        publicKeyFingerprint(keys.rsa.publicKey),
      ],
    })),
  };
}

function isCertificateAndKey(value: unknown): value is CertificateAndKey {
  return typeof value === 'object' && value !== null && 'certificatePem' in value;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
