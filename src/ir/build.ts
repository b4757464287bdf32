import type { Diagnostic } from '../diag/index.js';
import type { Endpoint } from '../model/index.js';
import { planFor, type ChainKind, type Direction, type TierPlan } from '../tiers/index.js';
import { ChainFactory } from './chain-factory.js';
import { chainNeeded, EndpointChains } from './endpoint-chains.js';
import { hookChains, type DispatchTables } from './hooks.js';
import { uncompilable } from './rules/uncompilable.js';
import { report } from '../diag/index.js';
import type { InterfaceMap, Program } from './types.js';

export interface BuildOptions {
  /** Endpoints on this node get chains; the others appear only in sets. Default: every endpoint is local. */
  node?: string;
  /** What happens to traffic from a local workload to its host (Felix DefaultEndpointToHostAction). */
  endpointToHostAction?: 'drop' | 'accept' | 'return';
  /** Host-side workload interface prefixes (Felix InterfacePrefix). */
  workloadInterfacePrefixes?: string[];
  logPrefix?: string;
}

export interface BuildResult {
  program: Program;
  /** Errors mean the program would not enforce the policy exactly: callers must not emit it. */
  diagnostics: Diagnostic[];
}

const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

/** (endpoint, direction, chain kind) triples a local endpoint needs. */
const WORKLOAD_CHAINS: [Direction, ChainKind][] = [
  ['ingress', 'normal'],
  ['egress', 'normal'],
];
const HOST_CHAINS: [Direction, ChainKind][] = [
  ['ingress', 'normal'],
  ['egress', 'normal'],
  ['ingress', 'forward'],
  ['egress', 'forward'],
  ['ingress', 'preDNAT'],
  ['ingress', 'untracked'],
  ['egress', 'untracked'],
];

/** The dispatch map each (endpoint kind, direction, chain kind) is entered from. */
function mapFor(endpoint: Endpoint, direction: Direction, chain: ChainKind): keyof DispatchTables {
  if (endpoint.kind === 'workload') return direction === 'ingress' ? 'toWorkload' : 'fromWorkload';
  switch (chain) {
    case 'normal':
      return direction === 'ingress' ? 'fromHost' : 'toHost';
    case 'forward':
      return direction === 'ingress' ? 'forwardFromHost' : 'forwardToHost';
    case 'preDNAT':
      return 'preDnatFromHost';
    case 'untracked':
      return direction === 'ingress' ? 'untrackedFromHost' : 'untrackedToHost';
  }
}

function checkEndpoint(endpoint: Endpoint, prefixes: string[]): Diagnostic | undefined {
  const name = endpoint.interfaceName;
  const what = endpoint.kind === 'host' ? `host endpoint ${endpoint.name}` : `workload ${endpoint.namespace ?? ''}/${endpoint.name}`;
  if (name === undefined) return report(uncompilable, 'noInterface', endpoint.span, { endpoint: what });
  if (name === '*') return report(uncompilable, 'wildcardInterface', endpoint.span, { endpoint: what });
  if (!INTERFACE_NAME.test(name)) return report(uncompilable, 'badInterface', endpoint.span, { endpoint: what, name });
  if (endpoint.kind === 'workload' && !prefixes.some((prefix) => name.startsWith(prefix))) {
    return report(uncompilable, 'workloadPrefix', endpoint.span, { endpoint: what, name, prefixes: prefixes.join(', ') });
  }
  if (endpoint.kind === 'host' && prefixes.some((prefix) => name.startsWith(prefix))) {
    return report(uncompilable, 'hostOnWorkloadPrefix', endpoint.span, { endpoint: what, name });
  }
  return undefined;
}

/**
 * The firewall program for one node: every local endpoint's chains, the shared policy,
 * profile and failsafe chains they jump to, the sets those use, the interface maps that
 * dispatch packets to endpoint chains, and the hook chains (hooks.ts) tying it together.
 */
export function buildProgram(plan: TierPlan, options: BuildOptions = {}): BuildResult {
  const prefixes = options.workloadInterfacePrefixes ?? ['cali'];
  const factory = new ChainFactory(plan, options.logPrefix ?? 'calpol-packet');
  const diagnostics: Diagnostic[] = [];
  const maps: Record<keyof DispatchTables, InterfaceMap['entries']> = {
    fromWorkload: [], toWorkload: [], fromHost: [], toHost: [], forwardFromHost: [], forwardToHost: [],
    preDnatFromHost: [], untrackedFromHost: [], untrackedToHost: [],
  };
  const endpointChains = new EndpointChains(factory);
  const seenInterfaces = new Map<string, Endpoint>();
  const local = plan.inventory.endpoints.filter((e) => options.node === undefined || e.node === undefined || e.node === options.node);
  for (const endpoint of local) {
    const problem = checkEndpoint(endpoint, prefixes);
    if (problem) {
      diagnostics.push(problem);
      continue;
    }
    const name = endpoint.interfaceName as string;
    const other = seenInterfaces.get(name);
    if (other) {
      diagnostics.push(report(uncompilable, 'sharedInterface', endpoint.span, { endpoint: endpoint.key, other: other.key, name }));
      continue;
    }
    seenInterfaces.set(name, endpoint);
    for (const [direction, chain] of endpoint.kind === 'workload' ? WORKLOAD_CHAINS : HOST_CHAINS) {
      const endpointPlan = planFor(plan, endpoint, direction, chain);
      if (!chainNeeded(endpointPlan)) continue;
      const chainName = endpointChains.chainFor(endpointPlan);
      maps[mapFor(endpoint, direction, chain)].push({ interface: name, verdict: 'goto', target: chainName });
    }
  }
  const hooks = hookChains({ plan, factory, maps, prefixes, endpointToHostAction: options.endpointToHostAction ?? 'drop' });
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const program: Program = {
    hooks: hooks.hooks,
    chains: factory.all().sort(byName),
    sets: factory.sets.all(),
    maps: hooks.maps.sort(byName),
  };
  return { program, diagnostics };
}
