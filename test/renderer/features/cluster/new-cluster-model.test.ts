import { describe, expect, it } from 'vitest';

import { NewClusterOptions } from '../../../../common/cluster';
import { CreateClusterRequest } from '../../../../common/cluster-view';
import {
  defaultNewClusterForm,
  fieldOfIssuePath,
  formProblems,
  type NewClusterForm,
  previewNewCluster,
  toCreateRequest,
  toNewClusterOptions,
} from '../../../../renderer/src/features/cluster/new-cluster-model';

function form(patch: Partial<NewClusterForm> = {}): NewClusterForm {
  return {
    ...defaultNewClusterForm('Europe/Berlin'),
    path: '/clusters/lab.yaml',
    name: 'lab',
    passphrase: 'correct horse',
    passphraseAgain: 'correct horse',
    ...patch,
  };
}

describe('new-cluster form', () => {
  it('makes options that NewClusterOptions accepts', () => {
    const options = toNewClusterOptions(
      form({ dns: '1.1.1.1, 9.9.9.9', authorizedKeys: '\nssh-ed25519 AAAA x\n', virtualIp: ' ' }),
    );
    expect(NewClusterOptions.safeParse(options).success).toBe(true);
    expect(options).toMatchObject({
      dns: ['1.1.1.1', '9.9.9.9'],
      authorizedKeys: ['ssh-ed25519 AAAA x'],
      timezone: 'Europe/Berlin',
      workers: 2,
    });
    expect(options.virtualIP).toBeUndefined();
    expect(options.wifi).toBeUndefined();
  });

  it('makes a request the contract accepts, with the Wi-Fi passphrase only for Wi-Fi', () => {
    const wired = toCreateRequest(form({ wifiPassphrase: 'secret-wifi' }));
    expect(CreateClusterRequest.safeParse(wired).success).toBe(true);
    expect(wired).not.toHaveProperty('wifiPassphrase');
    const wifi = toCreateRequest(
      form({
        networkInterface: 'wlan0',
        ssid: 'lab',
        country: 'GB',
        wifiPassphrase: 'secret-wifi',
      }),
    );
    expect(wifi).toMatchObject({
      wifiPassphrase: 'secret-wifi',
      options: { wifi: { ssid: 'lab', country: 'GB', hidden: false } },
    });
  });

  it('previews a valid plan without issues', () => {
    const preview = previewNewCluster(form({ controlPlanes: 3, virtualIp: '192.168.1.100' }));
    expect(preview.cluster?.spec.nodes.map((n) => n.ip)).toEqual([
      '192.168.1.101',
      '192.168.1.102',
      '192.168.1.103',
      '192.168.1.104',
      '192.168.1.105',
    ]);
    expect(preview.issues).toEqual({});
    expect(preview.general).toEqual([]);
  });

  it('files plan issues under the field that causes them', () => {
    const preview = previewNewCluster(
      form({ controlPlanes: 3, firstIp: '10.0.0.1', sshUser: 'root' }),
    );
    expect(preview.issues.virtualIp?.[0]?.message).toMatch(/need a virtual IP/);
    expect(preview.issues.firstIp?.[0]?.message).toMatch(/outside the subnet/);
    expect(preview.issues.sshUser?.[0]?.message).toMatch(/not root/);
  });

  it('still checks the rest while the name is empty, and reports the name as required', () => {
    const blank = form({ name: '', gateway: 'nope' });
    const preview = previewNewCluster(blank);
    expect(preview.issues.name).toBeUndefined();
    expect(preview.issues.gateway?.[0]?.message).toMatch(/not an IPv4 address/);
    expect(formProblems(blank)).toEqual({ name: 'required' });
  });

  it('reports a first address that is not one, and a worker count that is not a number', () => {
    expect(previewNewCluster(form({ firstIp: '192.168.1' })).issues.firstIp?.[0]?.message).toMatch(
      /not an IPv4 address/,
    );
    expect(previewNewCluster(form({ workers: 'many' })).issues.workers).toHaveLength(1);
  });

  it('checks the Wi-Fi passphrase like the Node side does', () => {
    const preview = previewNewCluster(
      form({ networkInterface: 'wlan0', ssid: 'lab', country: 'GB', wifiPassphrase: 'short' }),
    );
    expect(preview.issues.wifiPassphrase?.[0]?.message).toMatch(/8 to 63/);
  });

  it('asks for the passphrase twice, the same', () => {
    expect(formProblems(form({ passphraseAgain: 'other' }))).toEqual({
      passphraseAgain: 'mismatch',
    });
    expect(formProblems(form({ passphrase: '', passphraseAgain: '' }))).toEqual({
      passphrase: 'required',
    });
  });

  it('maps issue paths to fields', () => {
    expect(fieldOfIssuePath('spec.controlPlane.endpoint', true)).toBe('virtualIp');
    expect(fieldOfIssuePath('spec.controlPlane.endpoint', false)).toBe('firstIp');
    expect(fieldOfIssuePath('spec.network.wifi.country', false)).toBe('country');
    expect(fieldOfIssuePath('spec.network.wifi', false)).toBe('ssid');
    expect(fieldOfIssuePath('spec.nodes', false)).toBe('controlPlanes');
    expect(fieldOfIssuePath('spec.nodes.3.ip', false)).toBe('firstIp');
    expect(fieldOfIssuePath('spec.addons.nfs.server', false)).toBeNull();
  });
});
