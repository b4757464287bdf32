import type { ResolvedFlow, StageTrace, Trace } from '../eval/index.js';
import type { Span } from '../diag/index.js';
import type { Direction } from '../tiers/index.js';
import { endpointToHostTitle, hopTitle } from './hops.js';
import type { Probe } from './probes.js';
import { probeFlow, type MatrixCell, type MatrixResult } from './verdicts.js';

/** The flow of a cell, as `calpol explain --src <source> --dst <destination>` resolves it. */
export function cellFlow(result: MatrixResult, cell: MatrixCell): ResolvedFlow {
  const source = result.endpoints[cell.source];
  const destination = result.endpoints[cell.destination];
  if (!source || !destination) throw new Error('bug: a cell outside the matrix');
  return probeFlow(result.probes[cell.probe] as Probe, source, destination, cell.ipVersion);
}

/** The deciding stage of a cell, titled for the cell's own endpoints, as a one-stage trace (no stage when unpoliced). */
export function cellTrace(result: MatrixResult, cell: MatrixCell): Trace {
  const source = result.endpoints[cell.source]?.endpoint;
  const destination = result.endpoints[cell.destination]?.endpoint;
  if (!source || !destination) throw new Error('bug: a cell outside the matrix');
  if (!cell.stage) return { verdict: cell.verdict, stages: [], decidingStage: 0 };
  let stage: StageTrace;
  if (cell.decidedAt === 'endpoint-to-host') stage = { ...cell.stage, title: endpointToHostTitle(source) };
  else {
    const endpoint = cell.decidedAt === 'source' ? source : destination;
    const title = hopTitle(endpoint, cell.stage.direction, cell.stage.chain);
    const identity = { key: endpoint.key, kind: endpoint.kind, name: endpoint.name, ...(endpoint.namespace ? { namespace: endpoint.namespace } : {}) };
    stage = { ...cell.stage, title, endpoint: identity };
  }
  return { verdict: cell.verdict, stages: [stage], decidingStage: 0 };
}

/** file:line:column, as explain prints places; `<built-in>` for built-in tiers. */
function where(span: Span | undefined): string {
  if (!span || span.line === 0) return span?.file ?? '<built-in>';
  return `${span.file}:${span.line}:${span.column}`;
}

/** The policy (or profile, or tier default) whose rule decided a cell. */
export interface DecidingPolicy {
  /** The tier (absent for profiles). */
  tier?: string;
  /** GlobalNetworkPolicy, NetworkPolicy, KubernetesNetworkPolicy, ..., Profile, or Tier (its default action). */
  kind: string;
  namespace?: string;
  name: string;
  direction: Direction;
  /** Index of the rule in the policy's (converted) ingress or egress list; absent for a tier default. */
  rule?: number;
  action: string;
  /** file:line:column of the rule (or Tier resource), `<built-in>` for built-in tiers. */
  location: string;
}

/** The deciding policy of a cell; null when no rule decided (failsafe port, no profile allowed, endpoint-to-host, unpoliced). */
export function cellPolicy(cell: MatrixCell): DecidingPolicy | null {
  const stage = cell.stage;
  if (!stage) return null;
  const step = stage.decidedBy === undefined ? undefined : stage.steps[stage.decidedBy];
  if (step?.kind === 'end-of-tier') {
    return { tier: step.tier, kind: 'Tier', name: step.tier, direction: stage.direction, action: step.action, location: where(step.span) };
  }
  if (step?.kind !== 'rule') return null;
  const owner = step.owner;
  const common = { direction: stage.direction, rule: step.ruleIndex, action: step.action, location: where(step.span) };
  if (owner.type === 'profile') return { kind: 'Profile', name: owner.name, ...common };
  return { tier: owner.tier, kind: owner.kind, ...(owner.namespace ? { namespace: owner.namespace } : {}), name: owner.name, ...common };
}

/** A deciding policy in one line: `KubernetesNetworkPolicy store/db-from-api, ingress rule 0 (Allow), tier default, at f:1:2`. */
export function policyLabel(policy: DecidingPolicy | null): string {
  if (!policy) return '';
  const name = policy.namespace ? `${policy.namespace}/${policy.name}` : policy.name;
  if (policy.kind === 'Tier') return `end of tier ${name} (default action ${policy.action}), at ${policy.location}`;
  const tier = policy.tier === undefined ? '' : `, tier ${policy.tier}`;
  return `${policy.kind} ${name}, ${policy.direction} rule ${policy.rule} (${policy.action})${tier}, at ${policy.location}`;
}
