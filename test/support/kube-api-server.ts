import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

import {
  ADMIN_GROUP,
  clientCertificateAuthority,
  type ClusterPki,
  issueServingCertificate,
} from '../../main/pki';
import {
  apiGroupList,
  apiResourceList,
  apiVersions,
  deploymentObject,
  type DeploymentSpec,
  type KubeObject,
  namespaceObject,
  nodeConditions,
  nodeObject,
  type NodeSpec,
  podObject,
  type PodPhase,
  type PodSpec,
  podStatus,
  type ResourceType,
  statusObject,
  versionInfo,
  warningEventObject,
  type WarningEventSpec,
} from './kube-api-objects';
import { matchesFields, matchesLabels, parseRoute, type Route } from './kube-api-routing';

/**
 * A test Kubernetes API server: real HTTPS with a serving certificate signed by the plan's CA,
 * client certificates checked against the CA that signed the admin certificate (a missing or
 * foreign one → 401, as kube-apiserver answers; without O=system:masters → 403), the real list/watch
 * protocol (resourceVersion, ?watch=1 streams, bookmarks, timeoutSeconds, 410 Gone after
 * compaction) for the few resources Kubeflash uses. The test drives the cluster: nodes, pods,
 * events, a DaemonSet controller, cut watches, an API that disappears for a while.
 */

export interface KubeApiServerOptions {
  pki: ClusterPki;
  /** The address to listen on, also the serving certificate's SAN (the plan's endpoint). */
  host: string;
  port: number;
  now?: () => Date;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  watch: boolean;
}

/** What a DaemonSet pod on a node becomes after the controller created it. */
export interface DaemonSetPodOutcome {
  phase: PodPhase;
  reason?: string;
  message?: string;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface HistoryEntry {
  rv: number;
  resource: string;
  type: EventType;
  object: KubeObject;
}

interface Watcher {
  resource: ResourceType;
  namespace: string | null;
  labelSelector: string | undefined;
  fieldSelector: string | undefined;
  bookmarks: boolean;
  response: ServerResponse;
}

const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const MAX_BODY_BYTES = 1024 * 1024;
const NOT_READY_TAINT = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' } as const;
/** Tolerations the DaemonSet controller adds to every DaemonSet pod (a subset that matters here). */
const DAEMONSET_DEFAULT_TOLERATIONS = [
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
];

export class KubeApiServer {
  readonly requests: LoggedRequest[] = [];
  readonly url: string;
  /** Decides each new DaemonSet pod's fate; Running unless the test says otherwise. */
  daemonSetPodOutcome: (node: string) => DaemonSetPodOutcome = () => ({ phase: 'Running' });
  /**
   * How a watch from a compacted resourceVersion is refused: kube-apiserver sends an ERROR event
   * (a Status with code 410) on a 200 stream; some proxies and older servers answer HTTP 410.
   */
  goneAs: 'event' | 'http' = 'event';

  readonly #server: Server;
  readonly #options: KubeApiServerOptions;
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #watchers = new Set<Watcher>();
  readonly #sockets = new Set<Socket>();
  #history: HistoryEntry[] = [];
  #resourceVersion = 1000;
  /** Watches from a resourceVersion older than this answer 410 Gone. */
  #compactedAt = 0;
  #listening = false;

  private constructor(options: KubeApiServerOptions, tls: { key: string; cert: string }) {
    this.#options = options;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    this.url = `https://${host}:${options.port}`;
    this.#server = createServer(
      {
        key: tls.key,
        cert: tls.cert,
        ca: clientCertificateAuthority(options.pki).certificatePem,
        // As kube-apiserver: ask for a client certificate, verify it against the client CA,
        // and answer 401 when it is missing or not signed by that CA. (Node's TLS server cannot
        // refuse an unknown CA with an alert, it only drops the socket, which a client cannot
        // tell from a network reset.)
        requestCert: true,
        rejectUnauthorized: false,
      },
      (request, response) => this.#handle(request, response),
    );
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    // Refused handshakes (a foreign or missing client certificate) are expected in tests.
    this.#server.on('tlsClientError', () => {});
    for (const name of INITIAL_NAMESPACES) this.#put('namespaces', namespaceObject(name));
  }

  static async create(options: KubeApiServerOptions): Promise<KubeApiServer> {
    const serving = await issueServingCertificate(options.pki, {
      ips: [options.host],
      dnsNames: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
      now: options.now?.(),
    });
    const server = new KubeApiServer(options, {
      key: serving.privateKeyPem,
      cert: serving.certificatePem,
    });
    await server.start();
    return server;
  }

  get resourceVersion(): string {
    return String(this.#resourceVersion);
  }

  get watchCount(): number {
    return this.#watchers.size;
  }

  /** Listen (again): the API is back. */
  async start(): Promise<void> {
    if (this.#listening) return;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#listening = true;
  }

  /** The API disappears: the listener closes and every open connection is cut. */
  async stop(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  /** Cut every watch stream mid-way (the connection drops, no clean end). */
  cutWatches(): void {
    for (const watcher of this.#watchers) watcher.response.socket?.destroy();
    this.#watchers.clear();
  }

  /** Forget history: watches from any resourceVersion before now answer 410 Gone. */
  compact(): void {
    this.#compactedAt = this.#resourceVersion + 1;
    this.#history = [];
  }

  /** Send a BOOKMARK with the current resourceVersion to watches that allow them. */
  sendBookmarks(): void {
    for (const watcher of this.#watchers) {
      if (!watcher.bookmarks) continue;
      const type = watcher.resource;
      writeEvent(watcher.response, 'BOOKMARK', {
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        metadata: { resourceVersion: this.resourceVersion },
      });
    }
  }

  objects(resource: string, namespace?: string): KubeObject[] {
    return [...this.#store(resource).values()]
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .map((o) => structuredClone(o));
  }

  addNode(name: string, spec: NodeSpec = {}): KubeObject {
    const node = nodeObject(name, spec, this.#now());
    if (!spec.ready) taintsOf(node).push({ ...NOT_READY_TAINT });
    const added = this.#put('nodes', node);
    for (const ds of this.#store('daemonsets').values()) this.#scheduleDaemonSet(ds);
    return added;
  }

  /** The kubelet posts Ready (or stops posting); the node controller adds or removes its taint. */
  setNodeReady(name: string, ready: boolean): void {
    const node = this.#require('nodes', name);
    const status = node.status as { conditions: object[] };
    status.conditions = nodeConditions(ready, this.#now());
    const spec = node.spec as { taints?: { key: string }[] };
    spec.taints = (spec.taints ?? []).filter((t) => t.key !== NOT_READY_TAINT.key);
    if (!ready) spec.taints.push({ ...NOT_READY_TAINT });
    this.#put('nodes', node);
  }

  removeNode(name: string): void {
    this.#delete('nodes', this.#require('nodes', name));
  }

  addPod(spec: PodSpec): KubeObject {
    return this.#put('pods', podObject(spec, this.#now()));
  }

  /** Change a pod's phase (and readiness, restarts, reason) as its kubelet would report it. */
  setPodStatus(namespace: string, name: string, change: Omit<PodSpec, 'namespace' | 'name'>) {
    const pod = this.#require('pods', name, namespace);
    const podSpec = pod.spec as { nodeName?: string; containers: { image: string }[] };
    pod.status = podStatus(
      { namespace, name, node: podSpec.nodeName, ...change },
      podSpec.containers[0]?.image ?? '',
      this.#now(),
    );
    this.#put('pods', pod);
    this.#updateDaemonSetStatuses(namespace);
  }

  addWarningEvent(spec: WarningEventSpec): KubeObject {
    const name = `${spec.objectName}.${randomBytes(8).toString('hex')}`;
    return this.#put('events', warningEventObject(name, spec, this.#now()));
  }

  addDeployment(spec: DeploymentSpec): KubeObject {
    return this.#put('deployments', deploymentObject(spec));
  }

  /** A DaemonSet whose status the test sets (an add-on's), not run by the DaemonSet controller. */
  addDaemonSetStatus(spec: { namespace: string; name: string; desired: number; ready: number }) {
    return this.#put('daemonsets', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: spec.name, namespace: spec.namespace, generation: 1 },
      spec: { selector: { matchLabels: { app: spec.name } }, template: {} },
      status: daemonSetStatus(spec.desired, spec.ready),
    });
  }

  async close(): Promise<void> {
    await this.stop();
  }

  // ---- requests ----

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'https://kube.invalid');
    const query = Object.fromEntries(url.searchParams);
    const watch = query.watch === '1' || query.watch === 'true';
    this.requests.push({ method: request.method ?? '', path: url.pathname, query, watch });
    this.#dispatch(request, response, url.pathname, query, watch).catch((error: unknown) => {
      if (!response.headersSent) sendStatus(response, 500, 'InternalError', String(error));
      else response.destroy();
    });
  }

  async #dispatch(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    query: Record<string, string>,
    watch: boolean,
  ): Promise<void> {
    if (path === '/readyz' || path === '/livez' || path === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    if (path === '/version') return sendJson(response, 200, versionInfo);
    const socket = request.socket as TLSSocket;
    if (!socket.authorized) {
      sendStatus(response, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    const user = clientUser(socket);
    if (!user.groups.includes(ADMIN_GROUP)) {
      sendStatus(
        response,
        403,
        'Forbidden',
        `User "${user.name}" cannot ${request.method} ${path}`,
      );
      return;
    }
    if (path === '/api') return sendJson(response, 200, apiVersions(this.#hostPort()));
    if (path === '/apis') return sendJson(response, 200, apiGroupList());
    if (path === '/api/v1') return sendJson(response, 200, apiResourceList(''));
    if (path === '/apis/apps/v1') return sendJson(response, 200, apiResourceList('apps'));

    const route = parseRoute(path);
    if (!route) return sendStatus(response, 404, 'NotFound', `the server could not find ${path}`);
    const { resource, namespace, name } = route;
    const method = request.method ?? 'GET';
    const verb =
      method === 'GET'
        ? name
          ? 'get'
          : watch
            ? 'watch'
            : 'list'
        : method === 'POST' && !name
          ? 'create'
          : method === 'DELETE' && name
            ? 'delete'
            : null;
    if (!verb || !resource.verbs.includes(verb)) {
      return sendStatus(response, 405, 'MethodNotAllowed', `${method} is not allowed on ${path}`);
    }
    if (verb === 'watch') return this.#watch(response, route, query);
    if (verb === 'list') {
      const items = this.#matching(resource, namespace, query.labelSelector, query.fieldSelector);
      return sendJson(response, 200, {
        kind: `${resource.kind}List`,
        apiVersion: apiVersionOf(resource),
        metadata: { resourceVersion: this.resourceVersion },
        items: items.map(withoutTypeMeta),
      });
    }
    if (verb === 'get') {
      const found = this.#store(resource.name).get(keyOf(namespace, name!));
      if (!found) return sendNotFound(response, resource, name!);
      return sendJson(response, 200, found);
    }
    if (verb === 'delete') {
      const found = this.#store(resource.name).get(keyOf(namespace, name!));
      if (!found) return sendNotFound(response, resource, name!);
      this.#delete(resource.name, found);
      if (resource.name === 'daemonsets') this.#collectDaemonSetPods(found);
      return sendJson(response, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, group: resource.group, kind: resource.name, uid: found.metadata.uid },
      });
    }
    const body = await readJson(request);
    if (!body.ok) return sendStatus(response, 400, 'BadRequest', body.error);
    return this.#create(response, route, body.value);
  }

  #create(response: ServerResponse, route: Route, body: unknown): void {
    const { resource, namespace } = route;
    const object = body as KubeObject;
    if (!object || typeof object !== 'object' || object.kind !== resource.kind) {
      return sendStatus(response, 400, 'BadRequest', `expected a ${resource.kind} object`);
    }
    const metadata = (object.metadata ?? {}) as KubeObject['metadata'] & { generateName?: string };
    const name = metadata.name || (metadata.generateName ? metadata.generateName + suffix() : '');
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
      return sendStatus(response, 422, 'Invalid', `${resource.kind} "${name}" is invalid: name`);
    }
    if (namespace && !this.#store('namespaces').has(keyOf(null, namespace))) {
      return sendStatus(response, 404, 'NotFound', `namespaces "${namespace}" not found`);
    }
    if (this.#store(resource.name).has(keyOf(namespace, name))) {
      const what = resource.group ? `${resource.name}.${resource.group}` : resource.name;
      return sendStatus(response, 409, 'AlreadyExists', `${what} "${name}" already exists`);
    }
    const created: KubeObject = {
      ...object,
      metadata: { ...metadata, name, ...(namespace ? { namespace } : {}) },
    };
    if (resource.name === 'secrets') convertStringData(created);
    if (resource.name === 'namespaces') Object.assign(created, namespaceObject(name));
    if (resource.name === 'daemonsets') created.status = daemonSetStatus(0, 0);
    const stored = this.#put(resource.name, created);
    sendJson(response, 201, stored);
    if (resource.name === 'daemonsets') this.#scheduleDaemonSet(stored);
  }

  #watch(response: ServerResponse, route: Route, query: Record<string, string>): void {
    const { resource, namespace } = route;
    const from = query.resourceVersion ?? '';
    if (from !== '' && from !== '0' && !/^\d+$/.test(from)) {
      return sendStatus(response, 400, 'BadRequest', `invalid resourceVersion "${from}"`);
    }
    if (from !== '' && from !== '0' && Number(from) < this.#compactedAt) {
      const message = `too old resource version: ${from} (${this.#compactedAt})`;
      if (this.goneAs === 'http') return sendStatus(response, 410, 'Expired', message);
      // What kube-apiserver sends when etcd compacted the revision the client asks for.
      response.writeHead(200, { 'Content-Type': 'application/json' });
      writeEvent(response, 'ERROR', statusObject(410, 'Expired', message));
      response.end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.flushHeaders();
    const watcher: Watcher = {
      resource,
      namespace,
      labelSelector: query.labelSelector,
      fieldSelector: query.fieldSelector,
      bookmarks: query.allowWatchBookmarks === 'true' || query.allowWatchBookmarks === '1',
      response,
    };
    if (from === '' || from === '0') {
      const current = this.#matching(resource, namespace, query.labelSelector, query.fieldSelector);
      for (const object of current) writeEvent(response, 'ADDED', object);
    } else {
      for (const entry of this.#history) {
        if (entry.rv > Number(from) && this.#wants(watcher, entry.resource, entry.object)) {
          writeEvent(response, entry.type, entry.object);
        }
      }
    }
    this.#watchers.add(watcher);
    const seconds = Number(query.timeoutSeconds);
    const timer =
      Number.isFinite(seconds) && seconds > 0
        ? setTimeout(() => response.end(), seconds * 1000)
        : undefined;
    response.once('close', () => {
      clearTimeout(timer);
      this.#watchers.delete(watcher);
    });
  }

  // ---- the store ----

  #store(resource: string): Map<string, KubeObject> {
    let store = this.#objects.get(resource);
    if (!store) {
      store = new Map();
      this.#objects.set(resource, store);
    }
    return store;
  }

  #require(resource: string, name: string, namespace?: string): KubeObject {
    const found = this.#store(resource).get(keyOf(namespace ?? null, name));
    if (!found) throw new Error(`test API server: no ${resource} "${name}"`);
    return structuredClone(found);
  }

  /** Create or replace: a new resourceVersion, history for watches, and the live watches told. */
  #put(resource: string, object: KubeObject): KubeObject {
    const store = this.#store(resource);
    const key = keyOf(object.metadata.namespace ?? null, object.metadata.name);
    const existing = store.get(key);
    const stored = structuredClone(object);
    stored.metadata.uid = existing?.metadata.uid ?? randomUUID();
    stored.metadata.creationTimestamp =
      existing?.metadata.creationTimestamp ?? this.#now().toISOString();
    this.#commit(resource, existing ? 'MODIFIED' : 'ADDED', stored);
    store.set(key, stored);
    return structuredClone(stored);
  }

  #delete(resource: string, object: KubeObject): void {
    const key = keyOf(object.metadata.namespace ?? null, object.metadata.name);
    const stored = this.#store(resource).get(key);
    if (!stored) return;
    this.#store(resource).delete(key);
    this.#commit(resource, 'DELETED', structuredClone(stored));
  }

  #commit(resource: string, type: EventType, object: KubeObject): void {
    this.#resourceVersion += 1;
    object.metadata.resourceVersion = this.resourceVersion;
    const entry = { rv: this.#resourceVersion, resource, type, object: structuredClone(object) };
    this.#history.push(entry);
    for (const watcher of this.#watchers) {
      if (this.#wants(watcher, resource, object)) writeEvent(watcher.response, type, object);
    }
  }

  #wants(watcher: Watcher, resource: string, object: KubeObject): boolean {
    return (
      watcher.resource.name === resource &&
      (watcher.namespace === null || object.metadata.namespace === watcher.namespace) &&
      matchesLabels(object, watcher.labelSelector) &&
      matchesFields(object, watcher.fieldSelector)
    );
  }

  #matching(
    resource: ResourceType,
    namespace: string | null,
    labelSelector: string | undefined,
    fieldSelector: string | undefined,
  ): KubeObject[] {
    return [...this.#store(resource.name).values()]
      .filter((o) => namespace === null || o.metadata.namespace === namespace)
      .filter((o) => matchesLabels(o, labelSelector) && matchesFields(o, fieldSelector))
      .map((o) => structuredClone(o));
  }

  // ---- the DaemonSet controller ----

  /** One pod per node whose taints the DaemonSet tolerates; the test decides what they become. */
  #scheduleDaemonSet(daemonSet: KubeObject): void {
    const namespace = daemonSet.metadata.namespace!;
    const spec = daemonSet.spec as {
      template?: { spec?: { tolerations?: Toleration[]; containers?: { image?: string }[] } };
    };
    if (!spec.template?.spec?.containers) return; // an add-on status stand-in, not controlled
    const tolerations = [
      ...(spec.template.spec.tolerations ?? []),
      ...DAEMONSET_DEFAULT_TOLERATIONS,
    ];
    const owned = this.#ownedPods(daemonSet);
    for (const node of this.#store('nodes').values()) {
      const nodeName = node.metadata.name;
      if (owned.some((pod) => (pod.spec as { nodeName?: string }).nodeName === nodeName)) continue;
      if (!taintsOf(node).every((taint) => tolerations.some((t) => tolerates(t, taint)))) continue;
      const podName = `${daemonSet.metadata.name}-${suffix()}`;
      this.addPod({
        namespace,
        name: podName,
        node: nodeName,
        phase: 'Pending',
        image: spec.template.spec.containers[0]?.image,
        labels: { ...(daemonSet.metadata.labels ?? {}), 'controller-revision-hash': '1' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            name: daemonSet.metadata.name,
            uid: daemonSet.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      });
      // The kubelet starts it a moment later: after the client saw it Pending.
      setImmediate(() => {
        if (!this.#store('pods').has(keyOf(namespace, podName))) return;
        const outcome = this.daemonSetPodOutcome(nodeName);
        if (outcome.phase !== 'Pending' || outcome.reason) {
          this.setPodStatus(namespace, podName, { ...outcome, node: nodeName });
        }
      });
    }
    this.#updateDaemonSetStatuses(namespace);
  }

  #ownedPods(daemonSet: KubeObject): KubeObject[] {
    return [...this.#store('pods').values()].filter((pod) =>
      ((pod.metadata.ownerReferences as { uid?: string }[] | undefined) ?? []).some(
        (ref) => ref.uid === daemonSet.metadata.uid,
      ),
    );
  }

  #updateDaemonSetStatuses(namespace: string): void {
    for (const ds of this.#store('daemonsets').values()) {
      if (ds.metadata.namespace !== namespace) continue;
      if (!(ds.spec as { template?: { spec?: object } }).template?.spec) continue;
      const pods = this.#ownedPods(ds);
      const ready = pods.filter((p) => (p.status as { phase?: string }).phase === 'Running');
      const status = daemonSetStatus(pods.length, ready.length);
      if (JSON.stringify(status) === JSON.stringify(ds.status)) continue;
      this.#put('daemonsets', { ...structuredClone(ds), status });
    }
  }

  /** The garbage collector: pods go with their DaemonSet. */
  #collectDaemonSetPods(daemonSet: KubeObject): void {
    for (const pod of this.#ownedPods(daemonSet)) this.#delete('pods', pod);
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  #hostPort(): string {
    return new URL(this.url).host;
  }
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

function tolerates(toleration: Toleration, taint: { key: string; effect: string }): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key;
}

function taintsOf(node: KubeObject): { key: string; effect: string }[] {
  const spec = node.spec as { taints?: { key: string; effect: string }[] };
  spec.taints ??= [];
  return spec.taints;
}

function daemonSetStatus(desired: number, ready: number): object {
  return {
    currentNumberScheduled: desired,
    desiredNumberScheduled: desired,
    numberMisscheduled: 0,
    numberReady: ready,
    numberAvailable: ready,
    ...(desired > ready ? { numberUnavailable: desired - ready } : {}),
    updatedNumberScheduled: desired,
    observedGeneration: 1,
  };
}

function keyOf(namespace: string | null, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function apiVersionOf(resource: ResourceType): string {
  return resource.group ? `${resource.group}/v1` : 'v1';
}

function withoutTypeMeta(object: KubeObject): object {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
  return rest;
}

function suffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

function convertStringData(secret: KubeObject): void {
  const stringData = secret.stringData as Record<string, string> | undefined;
  if (!stringData) return;
  const data = { ...((secret.data as Record<string, string> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(stringData)) {
    data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  secret.data = data;
  delete secret.stringData;
}

function clientUser(socket: TLSSocket): { name: string; groups: string[] } {
  const subject = socket.getPeerCertificate?.()?.subject as
    { CN?: string | string[]; O?: string | string[] } | undefined;
  const list = (value: string | string[] | undefined) =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  return { name: list(subject?.CN)[0] ?? 'system:anonymous', groups: list(subject?.O) };
}

function writeEvent(response: ServerResponse, type: string, object: object): void {
  if (!response.writableEnded) response.write(`${JSON.stringify({ type, object })}\n`);
}

function sendJson(response: ServerResponse, code: number, body: object): void {
  response.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function sendStatus(response: ServerResponse, code: number, reason: string, message: string) {
  sendJson(response, code, statusObject(code, reason, message));
}

function sendNotFound(response: ServerResponse, resource: ResourceType, name: string): void {
  const what = resource.group ? `${resource.name}.${resource.group}` : resource.name;
  sendStatus(response, 404, 'NotFound', `${what} "${name}" not found`);
}

async function readJson(
  request: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { ok: false, error: 'request body too large' };
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, error: 'the request body is not JSON' };
  }
}
