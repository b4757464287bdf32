import type { Command } from 'commander';
import { syntheticSpan } from '../../diag/index.js';
import { referenceEvaluator } from '../../eval/index.js';
import { EndpointDirectory, flowInventory, renderTraceText, resolveFlow, RuleLookup, traceToJson, type FlowSpec } from '../../explain/index.js';
import { parsePrefix, type PodFocus, type Prefix } from '../../model/index.js';
import { EXIT, UserError } from '../errors.js';
import { useColor, type Io } from '../io.js';
import { loadValidModel, modelOptionsFromFlags, planFromFlags, type PlanFlags } from '../model.js';
import { renderViaText, runViaEmitted, VIA_TARGETS, type ViaTarget } from '../via.js';
import { nonNegativeInteger, oneOf } from './options.js';
import { addPlanOptions } from './plan-options.js';

const PATHS = ['workload', 'host-ingress', 'host-egress', 'forwarded'] as const;

interface ExplainFlags extends PlanFlags {
  src: string;
  dst: string;
  proto: string;
  dport?: number;
  sport?: number;
  icmpType?: number;
  icmpCode?: number;
  path?: FlowSpec['path'];
  ingressHep?: string;
  egressHep?: string;
  format: 'text' | 'json';
  verbose?: boolean;
  via?: ViaTarget;
  endpointToHostAction: 'drop' | 'accept' | 'return';
  allowUnsupported?: boolean;
}

function flowFromFlags(flags: ExplainFlags): FlowSpec {
  const span = syntheticSpan('<command line>');
  const spec: FlowSpec = { src: flags.src, dst: flags.dst, protocol: flags.proto, span, fieldSpans: {} };
  if (flags.dport !== undefined) spec.port = flags.dport;
  if (flags.sport !== undefined) spec.sport = flags.sport;
  if (flags.icmpType !== undefined) spec.icmpType = flags.icmpType;
  if (flags.icmpCode !== undefined) spec.icmpCode = flags.icmpCode;
  if (flags.path !== undefined) spec.path = flags.path;
  if (flags.ingressHep !== undefined) spec.ingressHostEndpoint = flags.ingressHep;
  if (flags.egressHep !== undefined) spec.egressHostEndpoint = flags.egressHep;
  return spec;
}

/** The names and addresses the flow's ends refer to (see PodFocus). */
function focusOf(flags: ExplainFlags): PodFocus {
  const names: string[] = [];
  const addresses: Prefix[] = [];
  for (const reference of [flags.src, flags.dst]) {
    const address = reference.includes('/') ? undefined : parsePrefix(reference);
    if (address) addresses.push(address);
    else names.push(reference.startsWith('hep:') ? reference.slice('hep:'.length) : reference.slice(reference.lastIndexOf('/') + 1));
  }
  for (const hostEndpoint of [flags.ingressHep, flags.egressHep]) if (hostEndpoint !== undefined) names.push(hostEndpoint);
  return { names, addresses };
}

export function registerExplain(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('explain')
    .description('Explain the verdict for one packet: allow or deny, and which tier, policy and rule decided it.')
    .argument('<paths...>', 'policy and inventory files or directories')
    .requiredOption('--src <endpoint>', 'source: namespace/pod, hep:<name>, or an IP address')
    .requiredOption('--dst <endpoint>', 'destination: namespace/pod, hep:<name>, or an IP address')
    .requiredOption('--proto <protocol>', 'TCP, UDP, SCTP, ICMP, ICMPv6 or a number (any case)')
    .option('--dport <port>', 'destination port', nonNegativeInteger)
    .option('--sport <port>', 'source port (default 40000)', nonNegativeInteger)
    .option('--icmp-type <type>', 'ICMP type (default: echo request)', nonNegativeInteger)
    .option('--icmp-code <code>', 'ICMP code (default 0)', nonNegativeInteger)
    .option('--path <path>', `${PATHS.join(', ')} (derived from the ends when omitted)`, oneOf(PATHS))
    .option('--ingress-hep <name>', 'host endpoint the packet arrives on')
    .option('--egress-hep <name>', 'host endpoint the packet leaves by')
    .option('-f, --format <format>', 'text or json', oneOf(['text', 'json'] as const), 'text')
    .option('-v, --verbose', 'list every rule considered, not only the ones that decided')
    .option('--via <target>', 'run the emitted ruleset (nft or iptables) instead of the policy model, and list the emitted rules hit', oneOf(VIA_TARGETS));
  addPlanOptions(command)
    .addHelpText('after', '\nExit codes: 0 allowed, 1 denied, 2 usage or input error.')
    .action(async (paths: string[], flags: ExplainFlags) => {
      // The policy model's answer needs only the pods the flow touches: the others are not
      // even parsed (loadFocused). Running the emitted ruleset needs the node's whole program.
      const podFocus = flags.via === undefined ? focusOf(flags) : undefined;
      const model = await loadValidModel(paths, io, { ...modelOptionsFromFlags(flags), ...(podFocus ? { podFocus } : {}) });
      const resolved = resolveFlow(flowFromFlags(flags), new EndpointDirectory(model.inventory));
      if (!resolved.ok) throw new UserError(resolved.errors.map((e) => `calpol explain: ${e.message}`).join('\n'));
      // The policy model's answer needs only the endpoints the flow touches (see
      // flowInventory); running the emitted ruleset needs the node's whole program.
      const plan = planFromFlags(model, flags, flags.via === undefined ? flowInventory(model.inventory, resolved.flow) : undefined);
      const trace = referenceEvaluator(plan, { endpointToHostAction: flags.endpointToHostAction }).evaluate(resolved.flow);
      if (flags.via !== undefined) {
        const emitted = runViaEmitted(plan, resolved.flow, flags.via, { endpointToHostAction: flags.endpointToHostAction });
        if (flags.format === 'json') io.stdout(JSON.stringify({ verdict: emitted.verdict, via: flags.via, referenceVerdict: trace.verdict, traversals: emitted.traversals }, null, 2) + '\n');
        else io.stdout(renderViaText(emitted, flags.via));
        if (emitted.verdict !== trace.verdict) {
          io.stderr(`calpol: internal error: the emitted ${flags.via} ruleset says ${emitted.verdict} but the policy model says ${trace.verdict}; please report this with the input\n`);
          setExit(EXIT.internal);
          return;
        }
        setExit(emitted.verdict === 'allow' ? EXIT.ok : EXIT.findings);
        return;
      }
      const lookup = new RuleLookup(model.policySet);
      if (flags.format === 'json') io.stdout(JSON.stringify(traceToJson(trace, resolved.flow, lookup), null, 2) + '\n');
      else io.stdout(renderTraceText(trace, resolved.flow, lookup, { color: useColor(io), verbose: flags.verbose ?? false }));
      setExit(trace.verdict === 'allow' ? EXIT.ok : EXIT.findings);
    });
}
