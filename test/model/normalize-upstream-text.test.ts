import { describe, expect, it } from 'vitest';
import {
  SelectorCache,
  entitySelectorText,
  globalPolicySelector,
  namespacedPolicySelector,
} from '../../src/model/normalize/selectors.js';

/**
 * The composed selector TEXT must equal upstream's byte for byte (it is what Felix
 * parses). Expected strings are the ones asserted in upstream's own tests:
 * libcalico-go/lib/backend/syncersv1/updateprocessors/{rules,networkpolicyprocessor,
 * globalnetworkpolicyprocessor}_test.go (calico 87c15906).
 */
const cache = new SelectorCache();

describe('upstream rules_test.go vectors (getEndpointSelector text)', () => {
  it.each([
    [
      'selector and namespace selector',
      { selector: "projectcalico.org/orchestrator == 'k8s'", namespaceSelector: "key == 'value'" },
      'namespace',
      `(pcns.key == "value") && (projectcalico.org/orchestrator == 'k8s')`,
    ],
    [
      'complex namespace selector',
      { namespaceSelector: "!has(key) || (has(key) && !key in {'value'})" },
      'namespace',
      '(!has(pcns.key) || (has(pcns.key) && !pcns.key in {"value"}))',
    ],
    [
      'service account names and selector, namespaced',
      { serviceAccounts: { names: ['sa1', 'sa2'], selector: "key == 'value1'" } },
      'namespace',
      `(projectcalico.org/namespace == 'namespace') && ((pcsa.key == "value1") && (projectcalico.org/serviceaccount in {"sa1", "sa2"}))`,
    ],
    [
      'service accounts with a namespace selector',
      { namespaceSelector: "nskey == 'nsvalue'", serviceAccounts: { names: ['sa3'], selector: "key == 'value2'" } },
      'namespace',
      `(pcns.nskey == "nsvalue") && ((pcsa.key == "value2") && (projectcalico.org/serviceaccount in {"sa3"}))`,
    ],
    [
      'service accounts, global',
      { serviceAccounts: { names: ['sa1', 'sa2'], selector: "key == 'value1'" } },
      '',
      `(pcsa.key == "value1") && (projectcalico.org/serviceaccount in {"sa1", "sa2"})`,
    ],
    ['empty service account match', { serviceAccounts: {} }, '', ''],
    [
      'service accounts, namespace selector and selector',
      {
        namespaceSelector: "nskey == 'nsvalue'",
        serviceAccounts: { names: ['sa3'], selector: "key == 'value2'" },
        selector: 'has(label1)',
      },
      'namespace',
      `(pcns.nskey == "nsvalue") && (((pcsa.key == "value2") && (projectcalico.org/serviceaccount in {"sa3"})) && (has(label1)))`,
    ],
    ['profile rule (no namespace)', { selector: 'has(foo)' }, '', 'has(foo)'],
    ['ports but no selectors', { ports: [80] }, 'namespace', ''],
    ['notSelector only', { notSelector: 'has(label2)' }, 'namespace2', "projectcalico.org/namespace == 'namespace2'"],
    [
      'k8s peer with an empty namespaceSelector',
      { selector: "projectcalico.org/orchestrator == 'k8s'", namespaceSelector: 'all()' },
      'default',
      "(has(projectcalico.org/namespace)) && (projectcalico.org/orchestrator == 'k8s')",
    ],
  ])('%s', (_name, entity, namespace, expected) => {
    expect(entitySelectorText(cache, entity, namespace)).toBe(expected);
  });
});

describe('upstream policy processor vectors (policy selector text)', () => {
  it.each([
    ['NP', "mylabel == 'selectme'", undefined, "(mylabel == 'selectme') && projectcalico.org/namespace == 'namespace2'"],
    [
      'NP with serviceAccountSelector',
      "mylabel == 'selectme'",
      "role == 'development'",
      `((mylabel == 'selectme') && projectcalico.org/namespace == 'namespace2') && pcsa.role == "development"`,
    ],
    [
      'NP with all() serviceAccountSelector',
      "mylabel == 'selectme'",
      'all()',
      "((mylabel == 'selectme') && projectcalico.org/namespace == 'namespace2') && all()",
    ],
  ])('%s', (_name, selector, saSelector, expected) => {
    expect(namespacedPolicySelector(cache, selector, 'namespace2', saSelector)).toBe(expected);
  });

  it('k8s NP with an empty podSelector', () => {
    expect(namespacedPolicySelector(cache, "projectcalico.org/orchestrator == 'k8s'", 'default', undefined)).toBe(
      "(projectcalico.org/orchestrator == 'k8s') && projectcalico.org/namespace == 'default'",
    );
  });

  it.each([
    ['plain', "mylabel == 'selectme'", undefined, undefined, "mylabel == 'selectme'"],
    ['saSel', "mylabel == 'selectme'", undefined, "role == 'development'", `(mylabel == 'selectme') && pcsa.role == "development"`],
    ['saSel all()', "mylabel == 'selectme'", undefined, 'all()', `(mylabel == 'selectme') && has(projectcalico.org/serviceaccount)`],
    ['nsSel', "mylabel == 'selectme'", "name == 'testing'", undefined, `(mylabel == 'selectme') && pcns.name == "testing"`],
    ['nsSel all()', "mylabel == 'selectme'", 'all()', undefined, `(mylabel == 'selectme') && has(projectcalico.org/namespace)`],
    [
      'nsSel and saSel',
      "mylabel == 'selectme'",
      "name == 'testing'",
      "role == 'development'",
      `((mylabel == 'selectme') && pcns.name == "testing") && pcsa.role == "development"`,
    ],
    ['no selector, saSel', '', undefined, "role == 'development'", 'pcsa.role == "development"'],
    ['no selector, nsSel', '', "name == 'testing'", undefined, 'pcns.name == "testing"'],
    ['no selector, both', '', "name == 'testing'", "role == 'development'", `(pcns.name == "testing") && pcsa.role == "development"`],
  ])('GNP %s', (_name, selector, nsSelector, saSelector, expected) => {
    expect(globalPolicySelector(cache, selector, nsSelector, saSelector)).toBe(expected);
  });
});
