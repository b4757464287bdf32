import type { RuleDefinition } from '../../diag/index.js';

/**
 * Fields calpol cannot enforce offline. Failing closed: by default each is an error; with
 * `allowUnsupported` it is a warning and the later stages skip what it asked for, never
 * widening what is allowed (an Allow rule with `http` is treated as never matching).
 */
export const unsupportedField: RuleDefinition<
  'http' | 'httpSkipped' | 'services' | 'servicesSkipped' | 'egressDomains' | 'egressDomainsSkipped'
> = {
  id: 'unsupported-field',
  severity: 'error',
  description: 'A field calpol cannot enforce (HTTP matches, Service matches, egress domains).',
  messages: {
    http: 'HTTP matches (rule "http") need an application-layer proxy; calpol cannot enforce them (use --allow-unsupported to skip this rule)',
    httpSkipped: 'HTTP matches (rule "http") cannot be enforced: this {action} rule is treated as never matching',
    services:
      'Service matches ("services") need Service and EndpointSlice data calpol does not read (use --allow-unsupported to skip this rule)',
    servicesSkipped: 'Service matches ("services") cannot be enforced: this {action} rule is treated as never matching',
    egressDomains: '"allowedEgressDomains" (DNS-based policy) is not supported by calpol (use --allow-unsupported to ignore it)',
    egressDomainsSkipped: '"allowedEgressDomains" (DNS-based policy) is ignored: only the set\'s "nets" are used',
  },
};
