import type { Span } from '../diag/index.js';
import { PROTOCOL_NAMES, type ResolvedFlow, type RuleOwner, type StageTrace, type Step, type Trace } from '../eval/index.js';
import type { PolicyRule, PolicySet } from '../model/index.js';
import { describeFailure, describeMatch } from './facts.js';

/** Looks up the rules behind trace steps (policies by key, profiles by name). */
export class RuleLookup {
  private readonly policies;
  private readonly profiles;

  constructor(policySet: PolicySet) {
    this.policies = new Map(policySet.policies.map((p) => [p.key, p]));
    this.profiles = new Map(policySet.profiles.map((p) => [p.name, p]));
  }

  rule(owner: RuleOwner, direction: 'ingress' | 'egress', index: number): PolicyRule | undefined {
    const source = owner.type === 'policy' ? this.policies.get(owner.key) : this.profiles.get(owner.name);
    return source?.[direction].find((rule) => rule.index === index);
  }
}

export function where(span: Span | undefined): string {
  if (!span || span.line === 0) return span?.file ?? '<built-in>';
  return `${span.file}:${span.line}:${span.column}`;
}

export function ownerName(owner: RuleOwner): string {
  if (owner.type === 'profile') return `profile ${owner.name}`;
  const name = owner.namespace ? `${owner.namespace}/${owner.name}` : owner.name;
  return `tier ${owner.tier}, ${owner.kind} ${name}`;
}

export function flowSummary(flow: ResolvedFlow): string {
  const packet = flow.packet;
  const protocol = PROTOCOL_NAMES[packet.protocol] ?? `protocol ${packet.protocol}`;
  const port = (address: string, value: number | undefined) =>
    value === undefined ? address : packet.ipVersion === 6 ? `[${address}]:${value}` : `${address}:${value}`;
  const ends = `${port(packet.sourceAddress, packet.sourcePort)} -> ${port(packet.destinationAddress, packet.destinationPort)}`;
  const icmp = packet.icmpType !== undefined ? ` type ${packet.icmpType} code ${packet.icmpCode}` : '';
  const name = (e: ResolvedFlow['sourceEndpoint'], fallback: string) =>
    e ? (e.kind === 'host' ? `hep:${e.name}` : `${e.namespace ? `${e.namespace}/` : ''}${e.name}`) : fallback;
  return `${protocol}${icmp} ${ends} (${name(flow.sourceEndpoint, 'external')} -> ${name(flow.destinationEndpoint, 'external')}, path ${flow.path})`;
}

function stepText(step: Step, stage: StageTrace, flow: ResolvedFlow, lookup: RuleLookup): string {
  switch (step.kind) {
    case 'failsafe':
      return `failsafe ${step.direction} port ${step.port.protocol}:${step.port.port} allows (before any policy)`;
    case 'rule': {
      const rule = lookup.rule(step.owner, stage.direction, step.ruleIndex);
      const head = `${ownerName(step.owner)}: ${stage.direction} rule ${step.ruleIndex} (${step.action}) at ${where(step.span)}`;
      if (!rule) return `${head} ${step.matched ? 'matched' : 'did not match'}`;
      return step.matched
        ? `${head} matched: ${describeMatch(rule, flow.packet)}`
        : `${head} did not match: ${describeFailure(rule, step.failed ?? '', flow.packet)}`;
    }
    case 'policy-no-match':
      return `${ownerName(step.owner)}: no rule matched, next policy`;
    case 'staged':
      return `${ownerName(step.owner)} is staged (not enforced): it would ${step.wouldBe === 'no-match' ? 'not match' : step.wouldBe}${step.ruleIndex !== undefined ? ` (rule ${step.ruleIndex})` : ''}`;
    case 'end-of-tier':
      return `end of tier ${step.tier}: ${step.action}${step.action === 'Deny' ? ' (no policy in the tier allowed or passed it)' : ', on to the next tier'}`;
    case 'no-policy':
      return 'no policy applies to this direction; profiles decide';
    case 'profile-missing':
      return `profile ${step.name} is not defined: it allows nothing`;
    case 'no-profile-allowed':
      return step.profiles.length === 0 ? 'no profile: dropped' : `no profile allowed it (${step.profiles.join(', ')}): dropped`;
    case 'forward-default-allow':
      return 'no applyOnForward policy applies: forwarded traffic is allowed';
    case 'icmpv6-to-host':
      return `ICMPv6 type ${step.type} (neighbour discovery) from a workload to its host is always allowed, before any policy`;
    case 'endpoint-to-host':
      return `workload-to-host traffic: DefaultEndpointToHostAction is ${step.action}`;
  }
}

export interface RenderOptions {
  color: boolean;
  /** Print every rule considered, not only the decisive ones. */
  verbose?: boolean;
}

const paint = (on: boolean, code: string, text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/** The step that decided a stage, described in one line. */
export function decidingFact(trace: Trace, flow: ResolvedFlow, lookup: RuleLookup): string {
  const stage = trace.stages[trace.decidingStage];
  if (!stage) return 'no chain applies to this path: nothing filters it';
  const step = stage.decidedBy === undefined ? undefined : stage.steps[stage.decidedBy];
  return `${stage.title}: ${step ? stepText(step, stage, flow, lookup) : stage.outcome}`;
}

export function renderTraceText(trace: Trace, flow: ResolvedFlow, lookup: RuleLookup, options: RenderOptions): string {
  const verdict = trace.verdict === 'allow' ? paint(options.color, '1;32', 'ALLOW') : paint(options.color, '1;31', 'DENY');
  const lines = [`${verdict} ${flowSummary(flow)}`, ...(flow.notes ?? []).map((note) => `note: ${note}`), `decided by ${decidingFact(trace, flow, lookup)}`, ''];
  trace.stages.forEach((stage, stageIndex) => {
    lines.push(`${stageIndex + 1}. ${stage.title}: ${stage.outcome}`);
    stage.steps.forEach((step, stepIndex) => {
      const decisive = stepIndex === stage.decidedBy;
      const hidden = !options.verbose && step.kind === 'rule' && !step.matched;
      if (hidden && !decisive) return;
      const text = stepText(step, stage, flow, lookup);
      lines.push(`   ${decisive ? '>' : '-'} ${decisive ? paint(options.color, '1', text) : text}`);
    });
  });
  if (trace.stages.length === 0) lines.push('no chain applies to this path: nothing filters it');
  return lines.join('\n') + '\n';
}

export function traceToJson(trace: Trace, flow: ResolvedFlow, lookup: RuleLookup): unknown {
  return {
    verdict: trace.verdict,
    flow: {
      summary: flowSummary(flow),
      path: flow.path,
      ipVersion: flow.packet.ipVersion,
      protocol: flow.packet.protocol,
      source: flow.packet.sourceAddress,
      destination: flow.packet.destinationAddress,
      sourcePort: flow.packet.sourcePort ?? null,
      destinationPort: flow.packet.destinationPort ?? null,
      sourceEndpoint: flow.sourceEndpoint?.key ?? null,
      destinationEndpoint: flow.destinationEndpoint?.key ?? null,
      notes: flow.notes ?? [],
    },
    decidedBy: decidingFact(trace, flow, lookup),
    decidingStage: trace.decidingStage,
    stages: trace.stages.map((stage) => ({
      title: stage.title,
      endpoint: stage.endpoint?.key ?? null,
      direction: stage.direction,
      chain: stage.chain,
      outcome: stage.outcome,
      decidedBy: stage.decidedBy ?? null,
      steps: stage.steps.map((step) => ({
        ...step,
        ...('owner' in step ? { owner: { ...step.owner, span: undefined, location: where(step.owner.span) } } : {}),
        ...('span' in step ? { span: undefined, location: where(step.span) } : {}),
        text: stepText(step, stage, flow, lookup),
      })),
    })),
  };
}
