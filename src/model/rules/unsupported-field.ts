import type { RuleDefinition } from '../../diag/index.js';

/**
 * Fields calpol cannot enforce offline. Failing closed: by default each is an error; with
 * `allowUnsupported` it is a warning and the later stages skip what it asked for, never
 * widening what is allowed: an Allow or Log rule with such a field never matches, a Deny
 * matches on its other fields, and a Pass denies what its other fields match.
 */
export const unsupportedField: RuleDefinition<
  'http' | 'services' | 'domains' | 'neverMatches' | 'deniesWithout' | 'egressDomains' | 'egressDomainsSkipped'
> = {
  id: 'unsupported-field',
  severity: 'error',
  description: 'A field calpol cannot enforce (HTTP matches, Service matches, DNS domains).',
  messages: {
    http: 'HTTP matches (rule "http") need an application-layer proxy; calpol cannot enforce them (use --allow-unsupported to skip this rule)',
    services:
      'Service matches ("services") need Service and EndpointSlice data calpol does not read (use --allow-unsupported to skip this rule)',
    domains: '"domains" (Calico Enterprise DNS policy) is not supported by calpol (use --allow-unsupported to skip this rule)',
    neverMatches: '"{field}" cannot be enforced: this {action} rule is treated as never matching',
    deniesWithout: '"{field}" cannot be enforced: this {action} rule denies whatever its other fields match (more than the cluster would, never less)',
    egressDomains: '"allowedEgressDomains" (Calico Enterprise DNS policy) is not supported by calpol (use --allow-unsupported to ignore it)',
    egressDomainsSkipped: '"allowedEgressDomains" (DNS-based policy) is ignored: only the set\'s "nets" are used',
  },
};
