import { beforeEach, describe, expect, it, type Mock, vi } from 'vitest';

import type { AppInfo } from '../../../common/app-info';
import { callNames, contract, type Handlers } from '../../../common/contract';
import type { Drive } from '../../../common/drives';
import { KubeflashError } from '../../../common/errors';
import { EventMessage, ResultMessage } from '../../../common/messages';
import { createDispatcher, type Dispatch } from '../../../main/rpc/dispatcher';
import { EventHub } from '../../../main/rpc/event-hub';

const appInfo: AppInfo = {
  name: 'kubeflash',
  version: '1.2.3',
  mode: 'web',
  platform: 'linux',
  fileDialogs: false,
  passphraseKeychain: false,
};

const drive: Drive = {
  device: '/dev/sdz',
  description: 'Test card',
  size: 32 * 1024 ** 3,
  removable: true,
  system: false,
  readOnly: false,
  mountpoints: [],
  loop: false,
};

type FakeHandlers = { [N in keyof Handlers]: Mock<Handlers[N]> };

async function notUsed(): Promise<never> {
  throw new Error('not used by this test');
}

function fakeHandlers(): FakeHandlers {
  return {
    appInfo: vi.fn(async () => appInfo),
    listDrives: vi.fn(async () => [drive]),
    getSettings: vi.fn(async () => ({ includeLoopDevices: false })),
    updateSettings: vi.fn(async (patch) => ({ includeLoopDevices: false, ...patch })),
    openClusterFile: vi.fn(async ({ path }) => ({ path, document: { kind: 'Cluster' } })),
    saveClusterFile: vi.fn(async ({ path }) => ({ path, backupPath: null })),
    pickClusterFile: vi.fn(async () => ({ path: null })),
    // Cluster calls are exercised end to end in test/main/cluster; here only their routing matters.
    createCluster: vi.fn(notUsed),
    openCluster: vi.fn(notUsed),
    saveCluster: vi.fn(notUsed),
    unlockSecrets: vi.fn(notUsed),
    lockSecrets: vi.fn(notUsed),
    writeKubeconfig: vi.fn(notUsed),
    markForRebuild: vi.fn(notUsed),
    listCatalog: vi.fn(notUsed),
    imageCache: vi.fn(notUsed),
    clearImageCache: vi.fn(notUsed),
    inspectImage: vi.fn(notUsed),
    flashTargets: vi.fn(notUsed),
    flashNode: vi.fn(notUsed),
    cancelFlash: vi.fn(notUsed),
    listFlashJobs: vi.fn(notUsed),
    cancelInspectImage: vi.fn(notUsed),
    pickImageFile: vi.fn(notUsed),
    // Health calls are exercised in test/main/health and test/main/rpc/health-handlers.test.ts.
    startHealthWatch: vi.fn(notUsed),
    stopHealthWatch: vi.fn(notUsed),
    healthView: vi.fn(notUsed),
    followNodeLog: vi.fn(notUsed),
    stopNodeLog: vi.fn(notUsed),
    runSmokeTest: vi.fn(notUsed),
    fetchKubeconfigFromNode: vi.fn(notUsed),
  };
}

function expectFailure(reply: ResultMessage, { checkSchema = true } = {}) {
  if (checkSchema) expect(ResultMessage.safeParse(reply).success).toBe(true);
  expect(reply.ok).toBe(false);
  if (reply.ok) throw new Error('unreachable');
  return reply.error;
}

function handlerCallCount(handlers: FakeHandlers): number {
  return Object.values(handlers).reduce((sum, fn) => sum + fn.mock.calls.length, 0);
}

describe('createDispatcher', () => {
  let handlers: FakeHandlers;
  let dispatch: Dispatch;

  beforeEach(() => {
    handlers = fakeHandlers();
    dispatch = createDispatcher(handlers);
  });

  it('fakes a handler for every contract call', () => {
    expect(Object.keys(handlers).sort()).toEqual([...callNames].sort());
  });

  it.each([
    ['null', null],
    ['a string', 'appInfo'],
    ['an array', [1, 2]],
    ['a wrong type', { type: 'result', id: 3, method: 'appInfo' }],
    ['a missing method', { type: 'call', id: 4 }],
    ['a negative id', { type: 'call', id: -5, method: 'appInfo', params: {} }],
    ['a fractional id', { type: 'call', id: 1.5, method: 'appInfo', params: {} }],
    ['an overlong method', { type: 'call', id: 6, method: 'x'.repeat(65), params: {} }],
  ])('refuses a malformed envelope (%s) as invalid-request', async (_label, raw) => {
    const reply = await dispatch(raw);
    expect(reply.type).toBe('result');
    // A malformed envelope's id is echoed as given (see report: 1.5 is echoed as is).
    expect(expectFailure(reply, { checkSchema: false }).code).toBe('invalid-request');
    expect(handlerCallCount(handlers)).toBe(0);
  });

  it('keeps the id of a malformed envelope when it has one', async () => {
    const reply = await dispatch({ type: 'call', id: 42 });
    expect(reply.id).toBe(42);
    expect(expectFailure(reply).code).toBe('invalid-request');
  });

  it.each(['nope', '__proto__', 'toString', 'constructor', 'hasOwnProperty'])(
    'answers unknown method %s with unknown-method',
    async (method) => {
      const reply = await dispatch({ type: 'call', id: 7, method, params: {} });
      expect(reply.id).toBe(7);
      const error = expectFailure(reply);
      expect(error.code).toBe('unknown-method');
      expect(error.message).toContain(method);
      expect(handlerCallCount(handlers)).toBe(0);
    },
  );

  it.each([
    ['openClusterFile', { path: 'relative/cluster.yaml' }, 'path'],
    ['openClusterFile', { path: '' }, 'path'],
    ['openClusterFile', {}, 'path'],
    ['saveClusterFile', { path: '/abs.yaml', document: ['a', 'list'] }, 'document'],
    ['updateSettings', { bogus: true }, undefined],
    ['updateSettings', { includeLoopDevices: 'yes' }, 'includeLoopDevices'],
    ['pickClusterFile', { purpose: 'delete' }, 'purpose'],
    ['appInfo', { extra: 1 }, undefined],
  ] as const)(
    'refuses invalid params for %s %j without calling the handler',
    async (method, params, subject) => {
      const reply = await dispatch({ type: 'call', id: 8, method, params });
      expect(reply.id).toBe(8);
      const error = expectFailure(reply);
      expect(error.code).toBe('invalid-request');
      if (subject) expect(error.subject).toBe(subject);
      expect(handlers[method]).not.toHaveBeenCalled();
      expect(handlerCallCount(handlers)).toBe(0);
    },
  );

  it('treats null params as an empty object', async () => {
    const reply = await dispatch({ type: 'call', id: 9, method: 'appInfo', params: null });
    expect(reply).toEqual({ type: 'result', id: 9, ok: true, value: appInfo });
    expect(handlers.appInfo).toHaveBeenCalledTimes(1);
  });

  it('returns the handler value with the same id on success', async () => {
    const reply = await dispatch({ type: 'call', id: 10, method: 'listDrives', params: {} });
    expect(reply).toEqual({ type: 'result', id: 10, ok: true, value: [drive] });
  });

  it('passes the validated params to the handler', async () => {
    const reply = await dispatch({
      type: 'call',
      id: 11,
      method: 'openClusterFile',
      params: { path: '/srv/cluster.yaml' },
    });
    expect(handlers.openClusterFile).toHaveBeenCalledWith({ path: '/srv/cluster.yaml' });
    expect(reply).toEqual({
      type: 'result',
      id: 11,
      ok: true,
      value: { path: '/srv/cluster.yaml', document: { kind: 'Cluster' } },
    });
  });

  it('passes a partial settings patch through without filling in defaults', async () => {
    // An empty patch must not reset settings the user did not mention.
    const reply = await dispatch({ type: 'call', id: 19, method: 'updateSettings', params: {} });
    expect(reply.ok).toBe(true);
    expect(handlers.updateSettings).toHaveBeenCalledWith({});
  });

  it('applies result schema defaults before answering', async () => {
    handlers.getSettings.mockResolvedValueOnce({} as never);
    const reply = await dispatch({ type: 'call', id: 12, method: 'getSettings', params: {} });
    expect(reply).toEqual({
      type: 'result',
      id: 12,
      ok: true,
      value: { includeLoopDevices: false },
    });
  });

  it('refuses a handler result that violates the result schema', async () => {
    handlers.appInfo.mockResolvedValueOnce({ ...appInfo, mode: 'toaster' } as never);
    const reply = await dispatch({ type: 'call', id: 13, method: 'appInfo', params: {} });
    expect(reply.id).toBe(13);
    const error = expectFailure(reply);
    expect(['internal', 'invalid-request']).toContain(error.code);
    expect(reply).not.toHaveProperty('value');
  });

  it('refuses a drive list holding an invalid drive', async () => {
    handlers.listDrives.mockResolvedValueOnce([{ ...drive, size: -1 }]);
    const reply = await dispatch({ type: 'call', id: 14, method: 'listDrives', params: {} });
    expect(reply.ok).toBe(false);
  });

  it('passes a KubeflashError code, message and subject through', async () => {
    handlers.openClusterFile.mockRejectedValueOnce(
      new KubeflashError(
        'not-found',
        '/srv/missing.yaml does not exist. Check the path.',
        '/srv/missing.yaml',
      ),
    );
    const reply = await dispatch({
      type: 'call',
      id: 15,
      method: 'openClusterFile',
      params: { path: '/srv/missing.yaml' },
    });
    expect(reply).toEqual({
      type: 'result',
      id: 15,
      ok: false,
      error: {
        code: 'not-found',
        message: '/srv/missing.yaml does not exist. Check the path.',
        subject: '/srv/missing.yaml',
      },
    });
  });

  it('reports an unexpected handler error as internal', async () => {
    handlers.getSettings.mockRejectedValueOnce(new Error('disk on fire'));
    const reply = await dispatch({ type: 'call', id: 16, method: 'getSettings', params: {} });
    expect(expectFailure(reply)).toEqual({ code: 'internal', message: 'disk on fire' });
  });

  it('answers concurrent calls with their own ids', async () => {
    const replies = await Promise.all(
      [20, 21, 22].map((id) => dispatch({ type: 'call', id, method: 'appInfo', params: {} })),
    );
    expect(replies.map((r) => r.id)).toEqual([20, 21, 22]);
    expect(replies.every((r) => r.ok)).toBe(true);
  });

  it('declares a handler for every call in the contract', () => {
    for (const name of Object.keys(contract.calls)) expect(handlers).toHaveProperty(name);
  });
});

describe('EventHub', () => {
  it('delivers contract events to every subscriber', () => {
    const hub = new EventHub();
    const first = vi.fn();
    const second = vi.fn();
    hub.subscribe(first);
    hub.subscribe(second);
    hub.emit('driveAttached', drive);
    const expected = { type: 'event', event: 'driveAttached', payload: drive };
    expect(first).toHaveBeenCalledWith(expected);
    expect(second).toHaveBeenCalledWith(expected);
    expect(EventMessage.safeParse(first.mock.calls[0]?.[0]).success).toBe(true);
  });

  it('stops delivering after unsubscribe', () => {
    const hub = new EventHub();
    const kept = vi.fn();
    const dropped = vi.fn();
    hub.subscribe(kept);
    const unsubscribe = hub.subscribe(dropped);
    hub.emit('driveDetached', { device: '/dev/sdz' });
    unsubscribe();
    hub.emit('driveDetached', { device: '/dev/sdy' });
    expect(dropped).toHaveBeenCalledTimes(1);
    expect(kept).toHaveBeenCalledTimes(2);
    expect(kept).toHaveBeenLastCalledWith({
      type: 'event',
      event: 'driveDetached',
      payload: { device: '/dev/sdy' },
    });
  });

  it('throws on a payload that fails the event schema and delivers nothing', () => {
    const hub = new EventHub();
    const listener = vi.fn();
    hub.subscribe(listener);
    expect(() => hub.emit('driveDetached', { device: '' })).toThrow();
    expect(() => hub.emit('driveAttached', { device: '/dev/sdz' } as unknown as Drive)).toThrow();
    expect(listener).not.toHaveBeenCalled();
  });
});
