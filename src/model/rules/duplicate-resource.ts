import type { RuleDefinition } from '../../diag/index.js';

/**
 * The same resource (kind, namespace, name) given twice. Copies that agree on everything
 * calpol reads are one resource (a note); copies that differ are an error, since the
 * cluster holds whichever was applied last.
 */
export const duplicateResource: RuleDefinition<'identical' | 'differs' | 'derivedProfile'> = {
  id: 'duplicate-resource',
  severity: 'error',
  description: 'Two documents define the same resource (same kind, namespace and name) and differ.',
  messages: {
    identical: '{kind} "{name}" is defined again, identically (first at {first}): read once',
    differs: '{kind} "{name}" is defined twice and the copies differ in {fields} (first at {first}); the cluster holds whichever was applied last: keep one',
    derivedProfile:
      'Profile {name} is the one Calico derives from {source} at {first}: with the Kubernetes datastore users cannot write it, so the derived one (its labels and rules) is used and this one is ignored',
  },
};
