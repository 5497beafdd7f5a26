import type { KubeObject } from './manifest';

/**
 * MetalLB's CustomResourceDefinitions, abbreviated: the upstream ones are generated and run to
 * thousands of lines. IPAddressPool and L2Advertisement (what Kubeflash configures) get a real
 * schema with the fields Layer 2 mode uses; the kinds the controller and speaker only watch
 * (BGP, BFD, communities, status objects) get an open schema, so their informers start. No
 * conversion webhook: only the storage version of each kind is served.
 */
const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const strings = { type: 'array', items: { type: 'string' } };
const selectors = { type: 'array', items: open };

function crd(kind: string, plural: string, version: string, spec: object): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.metallb.io` },
    spec: {
      group: 'metallb.io',
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope: 'Namespaced',
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status: open,
              },
            },
          },
        },
      ],
    },
  };
}

export function metallbCrds(): KubeObject[] {
  return [
    crd('IPAddressPool', 'ipaddresspools', 'v1beta1', {
      type: 'object',
      required: ['addresses'],
      properties: {
        addresses: strings,
        autoAssign: { type: 'boolean', default: true },
        avoidBuggyIPs: { type: 'boolean', default: false },
        serviceAllocation: open,
      },
    }),
    crd('L2Advertisement', 'l2advertisements', 'v1beta1', {
      type: 'object',
      properties: {
        ipAddressPools: strings,
        ipAddressPoolSelectors: selectors,
        nodeSelectors: selectors,
        interfaces: strings,
      },
    }),
    crd('BFDProfile', 'bfdprofiles', 'v1beta1', open),
    crd('BGPAdvertisement', 'bgpadvertisements', 'v1beta1', open),
    crd('BGPPeer', 'bgppeers', 'v1beta2', open),
    crd('Community', 'communities', 'v1beta1', open),
    crd('ServiceL2Status', 'servicel2statuses', 'v1beta1', open),
    crd('ServiceBGPStatus', 'servicebgpstatuses', 'v1beta1', open),
  ];
}
