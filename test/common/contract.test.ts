import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { AbsolutePath } from '../../common/cluster-file';
import {
  callNames,
  contract,
  eventNames,
  isCallName,
  isEventName,
  webSocketPath,
} from '../../common/contract';
import { KubeflashError, SerializedError, serializeError } from '../../common/errors';
import { CallMessage, ResultMessage } from '../../common/messages';
import { defaultSettings, Settings, SettingsPatch } from '../../common/settings';

describe('contract', () => {
  it('declares params and result schemas for every call', () => {
    expect(callNames.length).toBeGreaterThan(0);
    for (const name of callNames) {
      const spec = contract.calls[name];
      expect(spec.params, name).toBeInstanceOf(z.ZodType);
      expect(spec.result, name).toBeInstanceOf(z.ZodType);
    }
  });

  it('declares a payload schema for every event', () => {
    expect(eventNames.length).toBeGreaterThan(0);
    for (const name of eventNames) {
      expect(contract.events[name], name).toBeInstanceOf(z.ZodType);
      expect(isEventName(name)).toBe(true);
    }
  });

  it('accepts exactly the declared call names', () => {
    for (const name of callNames) expect(isCallName(name), name).toBe(true);
    for (const name of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'nope', '']) {
      expect(isCallName(name), name).toBe(false);
    }
    expect(isEventName('__proto__')).toBe(false);
    expect(isEventName('valueOf')).toBe(false);
  });

  it('rejects unknown params on calls that take none', () => {
    expect(contract.calls.appInfo.params.safeParse({}).success).toBe(true);
    expect(contract.calls.appInfo.params.safeParse({ extra: 1 }).success).toBe(false);
  });

  it('serves the WebSocket under /api', () => {
    expect(webSocketPath.startsWith('/api/')).toBe(true);
  });
});

describe('AbsolutePath', () => {
  it.each([
    '/home/me/cluster.yaml',
    '/',
    'C:\\Users\\me\\cluster.yaml',
    'd:/x.yaml',
    '\\\\server\\share\\c.yaml',
  ])('accepts %s', (path) => {
    expect(AbsolutePath.parse(path)).toBe(path);
  });

  it.each(['cluster.yaml', './cluster.yaml', '../x.yaml', 'C:relative.yaml', '~/cluster.yaml'])(
    'rejects relative path %s with a message',
    (path) => {
      const result = AbsolutePath.safeParse(path);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/absolute path/);
    },
  );

  it('rejects the empty string with a message', () => {
    const result = AbsolutePath.safeParse('');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/empty/);
  });

  it('is enforced by openClusterFile params', () => {
    const spec = contract.calls.openClusterFile.params;
    expect(spec.safeParse({ path: '/a/b.yaml' }).success).toBe(true);
    expect(spec.safeParse({ path: 'b.yaml' }).success).toBe(false);
  });
});

describe('settings', () => {
  it('defaults to not listing loop devices', () => {
    expect(defaultSettings.includeLoopDevices).toBe(false);
    expect(Settings.parse({})).toEqual(defaultSettings);
  });

  it('parses a partial patch to only the keys given (no defaults filled in)', () => {
    expect(SettingsPatch.parse({})).toEqual({});
    expect(SettingsPatch.parse({ includeLoopDevices: true })).toEqual({ includeLoopDevices: true });
  });

  it('rejects unknown keys and wrong types', () => {
    expect(SettingsPatch.safeParse({ bogus: true }).success).toBe(false);
    expect(SettingsPatch.safeParse({ includeLoopDevices: 'yes' }).success).toBe(false);
    expect(Settings.safeParse({ includeLoopDevices: false, bogus: 1 }).success).toBe(false);
  });
});

describe('errors', () => {
  it('serializes a KubeflashError with its code, message and subject', () => {
    const error = new KubeflashError('not-found', '/x.yaml does not exist', '/x.yaml');
    expect(serializeError(error)).toEqual({
      code: 'not-found',
      message: '/x.yaml does not exist',
      subject: '/x.yaml',
    });
    expect(serializeError(new KubeflashError('internal', 'no subject'))).not.toHaveProperty(
      'subject',
    );
  });

  it('serializes a ZodError with the field path as subject', () => {
    const schema = z.object({ nodes: z.array(z.object({ hostname: z.string() })) });
    const result = schema.safeParse({ nodes: [{ hostname: 'a' }, { hostname: 3 }] });
    expect(result.success).toBe(false);
    const serialized = serializeError(result.error);
    expect(serialized.code).toBe('invalid-request');
    expect(serialized.subject).toBe('nodes.1.hostname');
    expect(serialized.message.startsWith('nodes.1.hostname: ')).toBe(true);
    expect(SerializedError.safeParse(serialized).success).toBe(true);
  });

  it('serializes a ZodError on the root value without a subject', () => {
    const result = z.string().safeParse(5);
    const serialized = serializeError(result.error);
    expect(serialized.code).toBe('invalid-request');
    expect(serialized).not.toHaveProperty('subject');
    expect(serialized.message.length).toBeGreaterThan(0);
  });

  it('serializes unexpected errors as internal with their message only', () => {
    const error = new TypeError('boom');
    expect(serializeError(error)).toEqual({ code: 'internal', message: 'boom' });
    expect(serializeError('a string')).toEqual({ code: 'internal', message: 'a string' });
  });

  it('round-trips KubeflashError through JSON', () => {
    const original = new KubeflashError('invalid-file', 'bad YAML at line 3', '/c.yaml');
    const copy = KubeflashError.fromJSON(JSON.parse(JSON.stringify(original)));
    expect(copy).toBeInstanceOf(KubeflashError);
    expect(copy).toBeInstanceOf(Error);
    expect(copy.name).toBe('KubeflashError');
    expect(copy.code).toBe(original.code);
    expect(copy.message).toBe(original.message);
    expect(copy.subject).toBe(original.subject);
    expect(copy.toJSON()).toEqual(original.toJSON());
  });
});

describe('messages', () => {
  it('validates call envelopes', () => {
    expect(
      CallMessage.safeParse({ type: 'call', id: 1, method: 'appInfo', params: {} }).success,
    ).toBe(true);
    expect(CallMessage.safeParse({ type: 'call', id: -1, method: 'appInfo' }).success).toBe(false);
    expect(CallMessage.safeParse({ type: 'call', id: 1.5, method: 'appInfo' }).success).toBe(false);
    expect(CallMessage.safeParse({ type: 'call', id: 1, method: '' }).success).toBe(false);
    expect(CallMessage.safeParse({ type: 'event', id: 1, method: 'appInfo' }).success).toBe(false);
  });

  it('requires an error on failed results and a value on successful ones', () => {
    expect(ResultMessage.safeParse({ type: 'result', id: 1, ok: true, value: 3 }).success).toBe(
      true,
    );
    expect(
      ResultMessage.safeParse({
        type: 'result',
        id: 1,
        ok: false,
        error: { code: 'internal', message: 'x' },
      }).success,
    ).toBe(true);
    expect(ResultMessage.safeParse({ type: 'result', id: 1, ok: false, value: 3 }).success).toBe(
      false,
    );
    expect(
      ResultMessage.safeParse({
        type: 'result',
        id: 1,
        ok: false,
        error: { code: 'bogus', message: 'x' },
      }).success,
    ).toBe(false);
  });
});
