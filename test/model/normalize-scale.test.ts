import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/model/normalize/index.js';
import type { Resource } from '../../src/model/resources.js';
import { gnp, k8sPolicy, namespace, np, pod } from './normalize-helpers.js';

/**
 * A large synthetic cluster normalizes completely. How long it takes is measured by the
 * benchmark (bench/), not asserted here: timed unit tests are flaky and prove nothing.
 */
function syntheticCluster(policyCount: number, podCount: number, namespaceCount: number): Resource[] {
  const resources: Resource[] = [];
  for (let n = 0; n < namespaceCount; n++) resources.push(namespace(`ns-${n}`, { team: `t${n % 7}` }));
  for (let i = 0; i < policyCount; i++) {
    const ns = `ns-${i % namespaceCount}`;
    const app = `app-${i % 50}`;
    if (i % 3 === 0) {
      resources.push(
        np(ns, `p-${i}`, {
          selector: `app == '${app}'`,
          ingress: [{ action: 'Allow', protocol: 'TCP', source: { selector: `role == 'r${i % 5}'` }, destination: { ports: [80, 443] } }],
          egress: [{ action: 'Allow', destination: { namespaceSelector: `team == 't${i % 7}'` } }],
        }),
      );
    } else if (i % 3 === 1) {
      resources.push(
        k8sPolicy(ns, `k-${i}`, {
          podSelector: { matchLabels: { app } },
          ingress: [{ from: [{ podSelector: { matchLabels: { role: `r${i % 5}` } } }, { namespaceSelector: {} }], ports: [{ port: 8080 }, { port: 8081 }] }],
        }),
      );
    } else {
      resources.push(gnp(`g-${i}`, { selector: `app == '${app}'`, namespaceSelector: `team == 't${i % 7}'`, ingress: [{ action: 'Deny', source: { nets: ['10.0.0.0/8'] } }] }));
    }
  }
  for (let i = 0; i < podCount; i++) {
    const octets = `${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    resources.push(
      pod(`ns-${i % namespaceCount}`, `pod-${i}`, {
        labels: { app: `app-${i % 50}`, role: `r${i % 5}` },
        spec: { nodeName: `node-${i % 100}`, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
        status: { podIP: `10.${octets}` },
      }),
    );
  }
  return resources;
}

describe('scale', () => {
  it('normalizes every policy and pod of a large synthetic cluster', () => {
    const result = normalize(syntheticCluster(2_000, 10_000, 100));
    expect(result.policySet.policies).toHaveLength(2_000);
    expect(result.inventory.endpoints).toHaveLength(10_000);
    expect(result.inventory.endpoints.every((endpoint) => endpoint.addresses.length === 1)).toBe(true);
  });
});
