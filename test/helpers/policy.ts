import { syntheticSpan } from '../../src/diag/index.js';
import type { Policy, PolicyDirections } from '../../src/model/index.js';
import { parseSelector, type Selector } from '../../src/selector/index.js';

/** A selector the test writes itself: a parse failure is a bug in the test. */
export function selectorOf(text: string): Selector {
  const parsed = parseSelector(text);
  if (!parsed.ok) throw new Error(`test selector does not parse: ${text}`);
  return parsed.selector;
}

export interface TestPolicyFields {
  kind: Policy['kind'];
  name: string;
  /** Ignored for global kinds. */
  namespace?: string | undefined;
  tier?: string;
  order?: number | undefined;
  selector?: Selector;
  appliesTo?: PolicyDirections;
}

/** A policy record as normalize makes one, with no rules; key `<kind>/<namespace>/<name>`. */
export function testPolicy(fields: TestPolicyFields): Policy {
  const namespace = fields.kind.includes('Global') ? undefined : fields.namespace;
  const policy: Policy = {
    key: `${fields.kind}/${namespace ?? ''}/${fields.name}`,
    kind: fields.kind,
    name: fields.name,
    tier: fields.tier ?? 'default',
    staged: fields.kind.startsWith('Staged'),
    selector: fields.selector ?? selectorOf('all()'),
    appliesTo: fields.appliesTo ?? { ingress: true, egress: false },
    ingress: [],
    egress: [],
    applyOnForward: false,
    preDNAT: false,
    doNotTrack: false,
    span: syntheticSpan(),
    file: 'x.yaml',
  };
  if (namespace !== undefined) policy.namespace = namespace;
  if (fields.order !== undefined) policy.order = fields.order;
  return policy;
}
