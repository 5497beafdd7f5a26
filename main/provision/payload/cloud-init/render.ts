import type { BootPayload, NodeFile } from '../../model';
import { bootstrapUnit, bootstrapUnitPath } from '../bootstrap-unit';
import { nodeCmdlineEdit } from '../cmdline';
import { checkNoCollision, payloadContext } from '../context';
import type { PayloadInput } from '../input';
import { swapOffPath, swapOffScript } from '../swap-off';
import { wpaSupplicantConf } from '../wpa-supplicant';
import { cloudConfig, yaml1 } from '../yaml';
import { cloudInitFamilies, type CloudInitFamilyName } from './families';
import { metaData } from './meta-data';
import { networkConfigV1, networkConfigV2 } from './network-config';
import { scrubbedSeedDir, scrubScript, scrubScriptPath } from './scrub-script';
import { userData } from './user-data';

/** HypriotOS's wpasupplicant runs this file through wpa_supplicant@wlan0.service. */
const hypriotWpaConfPath = '/etc/wpa_supplicant/wpa_supplicant-wlan0.conf';

/**
 * cloud-init seed files (user-data, network-config, meta-data) for Ubuntu, Raspberry Pi OS
 * Trixie and HypriotOS. Secrets (bundle files marked secret, pinned private host keys, the
 * password hash, the Wi-Fi key) are only in the seed cloud-init reads on first boot; its last
 * runcmd swaps in copies without them.
 */
export function renderCloudInit(input: PayloadInput): BootPayload {
  const ctx = payloadContext(input, 'cloud-init');
  const family = cloudInitFamilies[ctx.family as CloudInitFamilyName];
  const net = ctx.network;
  const wifiSupplicant = family.networkConfigVersion === 1 && net.wifi !== undefined;

  const own: NodeFile[] = [
    { path: swapOffPath, content: swapOffScript(), mode: 0o755, secret: false },
    {
      path: bootstrapUnitPath,
      content: bootstrapUnit(ctx.bundle.entryPoint),
      mode: 0o644,
      secret: false,
    },
    { path: scrubScriptPath, content: scrubScript(family.bootMount), mode: 0o755, secret: false },
  ];
  if (wifiSupplicant && net.wifi) {
    own.push({
      path: hypriotWpaConfPath,
      content: wpaSupplicantConf(net.wifi),
      mode: 0o600,
      secret: true,
    });
  }
  const networkConfig =
    family.networkConfigVersion === 2 ? networkConfigV2(net) : networkConfigV1(net);
  const scrubbedNetworkConfig =
    family.networkConfigVersion === 2 ? networkConfigV2(net, { scrubbed: true }) : networkConfig;
  const files = [...ctx.bundle.files, ...own];
  const scrubbedUserData = cloudConfig(
    userData(
      ctx,
      family,
      files.filter((file) => !file.secret),
      { scrubbed: true, wifiSupplicant },
    ),
  );
  const copies: NodeFile[] = [
    { path: `${scrubbedSeedDir}/user-data`, content: scrubbedUserData, mode: 0o600, secret: false },
    {
      path: `${scrubbedSeedDir}/network-config`,
      content: yaml1(scrubbedNetworkConfig),
      mode: 0o600,
      secret: false,
    },
  ];
  checkNoCollision(
    ctx.bundle,
    [...own, ...copies].map((file) => file.path),
  );
  const fullUserData = cloudConfig(
    userData(ctx, family, [...files, ...copies], { scrubbed: false, wifiSupplicant }),
  );

  return {
    family: ctx.family,
    files: [
      { path: 'user-data', content: utf8(fullUserData) },
      { path: 'network-config', content: utf8(yaml1(networkConfig)) },
      { path: 'meta-data', content: utf8(yaml1(metaData(ctx, family))) },
    ],
    edits: [nodeCmdlineEdit(net)],
  };
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
