import type { Command } from 'commander';
import { declaredTier, oneOf } from './options.js';

export const TIE_BREAKS = ['calpol', 'upstream'] as const;
export const ENDPOINT_TO_HOST = ['drop', 'accept', 'return'] as const;

/** Options every command that evaluates policy shares (explain, test, matrix). */
export function addPlanOptions(command: Command): Command {
  return command
    .option(
      '--tie-break <rule>',
      'order of policies with equal order in a tier: calpol (global first, then namespace, name) or upstream (Calico v3.32: name/namespace/kind)',
      oneOf(TIE_BREAKS),
      'calpol',
    )
    .option('--failsafe-inbound <ports>', 'host endpoint failsafe inbound ports, proto:[net:]port,... or none (default: Felix defaults)')
    .option('--failsafe-outbound <ports>', 'host endpoint failsafe outbound ports (default: Felix defaults)')
    .option(
      '--endpoint-to-host-action <action>',
      'what happens to traffic from a workload to its host after the workload egress policy: drop (Felix default), accept, return',
      oneOf(ENDPOINT_TO_HOST),
      'drop',
    )
    .option('--allow-unsupported', 'skip fields calpol cannot enforce (rules using them never allow) instead of failing')
    .option('--tier <name[:order]>', 'a tier defined outside these files (repeatable): its policies are not missing their tier', declaredTier);
}
