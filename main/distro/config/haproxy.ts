import type { NodeFile } from '../../provision/model';
import { kubeadmApiServerPort } from './kubeadm-ports';
import { configFile } from './node-file';
import { distroPaths } from './paths';
import { controlPlaneAddresses, type PlanFacts } from './plan-facts';

/**
 * haproxy on each kubeadm control plane: TCP (TLS passes through to the apiservers, whose
 * certificates carry the virtual IP) from the plan's port on every address to every control
 * plane's kube-apiserver, each checked on /healthz over TLS. See kubeadm-ports.ts for the ports.
 */
export function haproxyFile(facts: PlanFacts): NodeFile {
  const backends = controlPlaneAddresses(facts, 'haproxy forwards to every control plane');
  const apiPort = kubeadmApiServerPort(facts);
  const servers = facts.controlPlanes
    .map((n, i) => `  server ${n.hostname} ${backends[i]}:${apiPort} check`)
    .join('\n');
  const config = `# haproxy in front of the Kubernetes API — written by Kubeflash.
# Clients and joining nodes reach <virtual IP>:${facts.endpoint.port} (held by keepalived); every
# kube-apiserver listens on its node's port ${apiPort}, so the two never share a port.
global
  log /dev/log local0
  user haproxy
  group haproxy
  maxconn 4000

defaults
  mode tcp
  log global
  option tcplog
  option dontlognull
  retries 3
  timeout connect 5s
  # Long-lived watches (kubectl get -w, controllers) stay open.
  timeout client 1h
  timeout server 1h
  timeout check 5s

frontend kube-apiserver
  bind :${facts.endpoint.port}
  default_backend kube-apiserver

backend kube-apiserver
  balance roundrobin
  option httpchk
  http-check connect ssl
  http-check send meth GET uri /healthz
  http-check expect status 200
  default-server inter 5s downinter 5s rise 2 fall 3 verify none
${servers}
`;
  return configFile(distroPaths.haproxyConfig, config);
}
