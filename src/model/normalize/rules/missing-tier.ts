import type { RuleDefinition } from '../../../diag/index.js';

export const missingTier: RuleDefinition<'missingTier'> = {
  id: 'missing-tier',
  severity: 'error',
  description: 'A policy names a tier that no Tier resource defines.',
  messages: {
    missingTier:
      'tier {tier} is not defined: Felix still applies its policies, after every defined tier, and drops what they select but do not decide',
  },
};
