import { ipToNumber } from '../../../common/cluster';
import type { NodeFile } from '../../provision/model';
import { configFile } from './node-file';
import { distroPaths } from './paths';
import { controlPlaneAddresses, type PlanFacts, requireAddress } from './plan-facts';

/** The init node's VRRP priority; the others count down from OTHERS_PRIORITY in plan order. */
export const INIT_PRIORITY = 150;
const OTHERS_PRIORITY = 100;
/**
 * A failing health check lowers a node's priority by this much: enough to drop the init node
 * (150 − 60 = 90) below every healthy peer (≤ 100), and when every check fails (no API yet,
 * at first boot) the order stays the same, so the init node keeps the virtual IP while it
 * initialises the cluster.
 */
export const CHECK_WEIGHT = -60;

/**
 * The virtual router id: from the virtual IP, so that clusters sharing a LAN (a class of ten)
 * differ. 1–255.
 */
export function virtualRouterId(vip: string): number {
  return (ipToNumber(vip) % 255) + 1;
}

/**
 * keepalived on each kubeadm control plane: VRRP with unicast to the other control planes, the
 * virtual IP on the plan's interface, and a track script
 * that checks the node's haproxy answers on the API port with a healthy apiserver behind it.
 */
export function keepalivedFiles(facts: PlanFacts): NodeFile[] {
  const vip = facts.vip!;
  const self = requireAddress(facts, 'keepalived sends VRRP from it');
  const peers = controlPlaneAddresses(
    facts,
    'keepalived needs every control plane as a peer',
  ).filter((ip) => ip !== self);
  const others = facts.controlPlanes.filter((n) => !n.init);
  const priority = facts.init
    ? INIT_PRIORITY
    : OTHERS_PRIORITY - others.findIndex((n) => n.hostname === facts.node.hostname);
  const iface = facts.cluster.spec.network.interface;
  // Unicast to the other control planes (no multicast needed on the switch); a single control
  // plane has no peer to talk to.
  const unicast =
    peers.length === 0
      ? ''
      : `  unicast_src_ip ${self}\n  unicast_peer {\n${peers.map((ip) => `    ${ip}\n`).join('')}  }\n`;
  const config = `# keepalived for the Kubernetes API virtual IP — written by Kubeflash.
# Which port serves what: haproxy listens on ${facts.endpoint.port} (all addresses, the virtual IP
# included) and forwards to the kube-apiservers on their own port; see haproxy.cfg.
global_defs {
  router_id ${facts.node.hostname}
  enable_script_security
  script_user root
}

vrrp_script check_apiserver {
  script "${distroPaths.keepalivedCheck}"
  interval 3
  timeout 5
  fall 3
  rise 2
  weight ${CHECK_WEIGHT}
}

vrrp_instance kubernetes_api {
  state BACKUP
  interface ${iface}
  virtual_router_id ${virtualRouterId(vip.address)}
  priority ${priority}
  advert_int 1
${unicast}  virtual_ipaddress {
    ${vip.address}/${vip.prefixLength} dev ${iface}
  }
  track_script {
    check_apiserver
  }
}
`;
  const check = `#!/bin/sh
# keepalived's health check (Kubeflash): healthy when this node's haproxy answers on the API
# port and forwards to an apiserver that reports healthy. /healthz needs no credentials.
url='https://127.0.0.1:${facts.endpoint.port}/healthz'
if command -v curl >/dev/null 2>&1; then
  exec curl --silent --fail --insecure --max-time 3 --output /dev/null "$url"
fi
exec wget -q -T 3 --no-check-certificate -O /dev/null "$url"
`;
  return [
    configFile(distroPaths.keepalivedConfig, config),
    { path: distroPaths.keepalivedCheck, content: check, mode: 0o755, secret: false },
  ];
}
