import type { PlanFacts } from './plan-facts';

/**
 * Which port serves what on a kubeadm control plane.
 *
 * With keepalived + haproxy, haproxy listens on the plan's port (6443 by default) on all
 * addresses, the virtual IP included, and forwards to every control plane's kube-apiserver,
 * which listens on a port of its own: 6444 (6443 when the plan itself uses 6444). Distinct ports
 * mean the two never clash and haproxy needs no `net.ipv4.ip_nonlocal_bind` to listen on a
 * virtual IP its node may not hold. Clients and joining nodes use <virtual IP>:<plan port>;
 * kube-controller-manager and kube-scheduler use the node's own <address>:<apiserver port>.
 *
 * With kube-vip or without a virtual IP there is no proxy: kube-apiserver listens on the plan's
 * port itself.
 */
export function kubeadmApiServerPort(facts: PlanFacts): number {
  if (facts.vip?.provider !== 'keepalived-haproxy') return facts.endpoint.port;
  return facts.endpoint.port === 6444 ? 6443 : 6444;
}
