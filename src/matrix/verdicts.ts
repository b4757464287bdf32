import {
  IpSets,
  referenceEvaluator,
  type EndpointToHostAction,
  type Packet,
  type Prefix,
  type ReferenceEvaluator,
  type ResolvedFlow,
  type StageTrace,
  type Trace,
  type Verdict,
} from '../eval/index.js';
import type { Selector } from '../selector/index.js';
import { planFor, type EndpointPlan, type TierPlan } from '../tiers/index.js';
import { AddressBook, ChainClasses, PROBE_SOURCE_PORT, type ChainClass } from './classes.js';
import { addressFor, selectEndpoints, type MatrixEndpoint } from './endpoints.js';
import { EMPTY_STAGE, endpointToHostStage, failsafePorts, isEmptyStage, layoutFor, type Hop, type PathLayout } from './hops.js';
import type { Probe } from './probes.js';

export interface MatrixOptions {
  probes: readonly Probe[];
  /** Rows: endpoints whose effective labels this selects (all when absent). */
  from?: Selector;
  /** Columns. */
  to?: Selector;
  endpointToHostAction?: EndpointToHostAction;
  /** Force the family of TCP/UDP/SCTP probes; by default IPv4 when both ends have one, else IPv6 (as explain). */
  ipVersion?: 4 | 6;
}

/** Where the deciding stage of a cell ran; `unpoliced` when no chain applies (a host to a workload on its node). */
export type DecidedAt = 'source' | 'destination' | 'endpoint-to-host' | 'unpoliced';

export interface MatrixCell {
  /** Positions in `MatrixResult.endpoints`. */
  source: number;
  destination: number;
  /** Position in `MatrixResult.probes`. */
  probe: number;
  ipVersion: 4 | 6;
  verdict: Verdict;
  /**
   * The stage that decided, as the reference evaluator's deciding stage except for its
   * title and `endpoint`: it is shared by every cell whose chain and addresses are
   * equivalent, so those name the first endpoint it was computed for (`cellTrace` puts
   * the cell's own back). Null when no chain applies (`unpoliced`).
   */
  stage: StageTrace | null;
  decidedAt: DecidedAt;
}

export interface MatrixResult {
  plan: TierPlan;
  probes: readonly Probe[];
  endpointToHostAction: EndpointToHostAction;
  endpoints: MatrixEndpoint[];
  sources: number[];
  destinations: number[];
  /** Probe by probe, then source, then destination (each in endpoint-key order). */
  cells: MatrixCell[];
  /** How many verdicts (= cells.length). */
  count: number;
  /** How many flows the reference evaluator ran (every other cell reused their stages). */
  evaluations: number;
}

/** The family a pair is probed with: fixed by ICMP probes, else forced, else IPv4 if both ends have one (as explain). */
export function familyFor(probe: Probe, source: MatrixEndpoint, destination: MatrixEndpoint, forced?: 4 | 6): 4 | 6 {
  if (probe.protocol === 'icmp') return 4;
  if (probe.protocol === 'icmpv6') return 6;
  if (forced) return forced;
  return source.v4 && destination.v4 ? 4 : 6;
}

function probePacket(probe: Probe, source: MatrixEndpoint, destination: MatrixEndpoint, version: 4 | 6): Packet {
  const packet: Packet = {
    ipVersion: version,
    source: addressFor(source, version) as Prefix,
    destination: addressFor(destination, version) as Prefix,
    sourceAddress: (version === 4 ? source.v4Text : source.v6Text) as string,
    destinationAddress: (version === 4 ? destination.v4Text : destination.v6Text) as string,
    protocol: probe.protocolNumber,
  };
  if (probe.port !== undefined) {
    packet.destinationPort = probe.port;
    packet.sourcePort = PROBE_SOURCE_PORT;
  }
  if (probe.protocol === 'icmp' || probe.protocol === 'icmpv6') {
    packet.icmpType = probe.protocol === 'icmp' ? 8 : 128;
    packet.icmpCode = 0;
  }
  return packet;
}

/** The flow of a cell, as `calpol explain --src <source> --dst <destination>` resolves it. */
export function probeFlow(probe: Probe, source: MatrixEndpoint, destination: MatrixEndpoint, version: 4 | 6): ResolvedFlow {
  if (!addressFor(source, version) || !addressFor(destination, version)) throw new Error(`bug: no IPv${version} flow from ${source.name} to ${destination.name}`);
  const path = layoutFor(source.endpoint, destination.endpoint).path;
  const packet = probePacket(probe, source, destination, version);
  const flow: ResolvedFlow = { packet, path, sourceEndpoint: source.endpoint, destinationEndpoint: destination.endpoint };
  if (path === 'host-ingress' && destination.endpoint.kind === 'host') flow.ingressHostEndpoint = destination.endpoint;
  if (path === 'host-egress' && source.endpoint.kind === 'host') flow.egressHostEndpoint = source.endpoint;
  return flow;
}

/** Per endpoint: its chains' classes (by hop slot, built on first use) and the numbers of its addresses. */
interface EndpointState {
  entry: MatrixEndpoint;
  classes: (ChainClass | undefined)[];
  address4: number;
  address6: number;
}

/** The cell being computed (one object per pair, reused for its probes). */
interface CellContext {
  layout: PathLayout;
  source: EndpointState;
  destination: EndpointState;
  sourcePosition: number;
  destinationPosition: number;
  sourceAddress: number;
  destinationAddress: number;
  probe: number;
  version: 4 | 6;
  /** The reference trace, when this cell had to be evaluated. */
  trace: Trace | undefined;
}

class MatrixEngine {
  private readonly reference: ReferenceEvaluator;
  private readonly book = new AddressBook();
  private readonly classes: ChainClasses;
  private readonly endpointToHost: StageTrace;
  evaluations = 0;

  constructor(
    private readonly plan: TierPlan,
    private readonly probes: readonly Probe[],
    endpointToHostAction: EndpointToHostAction,
  ) {
    this.reference = referenceEvaluator(plan, { endpointToHostAction });
    this.classes = new ChainClasses(new IpSets(plan), probes, this.book);
    this.endpointToHost = endpointToHostStage(endpointToHostAction);
  }

  /** Numbers every address first: classes size their tables by the address count. */
  states(endpoints: readonly MatrixEndpoint[]): EndpointState[] {
    return endpoints.map((entry) => ({
      entry,
      classes: [],
      address4: entry.v4 ? this.book.indexOf(entry.v4) : -1,
      address6: entry.v6 ? this.book.indexOf(entry.v6) : -1,
    }));
  }

  private classFor(state: EndpointState, hop: Hop): ChainClass {
    let found = state.classes[hop.slot];
    if (!found) {
      const endpoint = state.entry.endpoint;
      const endpointPlan: EndpointPlan = planFor(this.plan, endpoint, hop.direction, hop.chain);
      found = state.classes[hop.slot] = this.classes.classOf(endpointPlan, failsafePorts(this.plan, endpoint, hop.chain));
    }
    return found;
  }

  /** A hop's key in its class's table of stages: (own answers, peer answers, probe). */
  private keyOf(chainClass: ChainClass, hop: Hop, cell: CellContext): number {
    const atSource = hop.side === 'source';
    const own = chainClass.project(atSource ? cell.sourceAddress : cell.destinationAddress);
    const peer = chainClass.project(atSource ? cell.destinationAddress : cell.sourceAddress);
    return (own * this.book.addresses.length + peer) * this.probes.length + cell.probe;
  }

  private hopClass(hop: Hop, cell: CellContext): ChainClass {
    return this.classFor(hop.side === 'source' ? cell.source : cell.destination, hop);
  }

  /**
   * Runs the reference evaluator on the cell's flow and files every stage it ran under
   * its hop: the matrix never evaluates a chain itself. A stage the layout does not
   * know means hops.ts no longer matches the reference evaluator: a bug, reported.
   */
  private evaluate(cell: CellContext): void {
    const source = cell.source.entry;
    const destination = cell.destination.entry;
    const trace = this.reference.evaluate(probeFlow(this.probes[cell.probe] as Probe, source, destination, cell.version));
    this.evaluations++;
    cell.trace = trace;
    for (const stage of trace.stages) {
      if (!stage.endpoint) continue;
      const side = stage.endpoint.key === source.endpoint.key ? 'source' : 'destination';
      const hop = cell.layout.groups.flat().find((h) => h.side === side && h.direction === stage.direction && h.chain === stage.chain);
      if (!hop) throw new Error(`bug: the matrix does not expect the reference evaluator's stage "${stage.title}"`);
      const chainClass = this.hopClass(hop, cell);
      const key = this.keyOf(chainClass, hop, cell);
      if (!chainClass.stages.has(key)) chainClass.stages.set(key, stage);
    }
  }

  private stage(hop: Hop, cell: CellContext): StageTrace {
    const chainClass = this.hopClass(hop, cell);
    const key = this.keyOf(chainClass, hop, cell);
    let stage = chainClass.stages.get(key);
    if (!stage) {
      this.evaluate(cell);
      // Reached, yet not listed by the reference evaluator: an empty chain (the verdict check in cell() confirms the path).
      stage = chainClass.stages.get(key) ?? EMPTY_STAGE;
      chainClass.stages.set(key, stage);
    }
    return stage;
  }

  /**
   * Combines the stages as the reference evaluator does: empty chains are skipped, the
   * first deny decides, an allow ends its group; an allow is decided by the last stage.
   */
  private combine(cell: CellContext): MatrixCell {
    let last: StageTrace | null = null;
    let lastSide: DecidedAt = 'unpoliced';
    for (const group of cell.layout.groups) {
      for (const hop of group) {
        const stage = this.stage(hop, cell);
        if (isEmptyStage(stage)) continue;
        if (stage.outcome === 'deny') return newCell(cell, 'deny', stage, hop.side);
        last = stage;
        lastSide = hop.side;
        if (stage.outcome === 'allow') break;
      }
    }
    if (cell.layout.endpointToHost) {
      return newCell(cell, this.endpointToHost.outcome === 'deny' ? 'deny' : 'allow', this.endpointToHost, 'endpoint-to-host');
    }
    return newCell(cell, 'allow', last, lastSide);
  }

  cell(cell: CellContext): MatrixCell {
    cell.trace = undefined;
    const outcome = this.combine(cell);
    // Whenever the reference evaluator ran for this very cell, it must agree on the verdict and on where it was decided.
    const trace = cell.trace as Trace | undefined; // set by combine() → evaluate()
    if (trace && !sameDecision(trace, outcome)) {
      throw new Error(`bug: the matrix and the reference evaluator disagree on ${cell.source.entry.name} -> ${cell.destination.entry.name}`);
    }
    return outcome;
  }
}

function sameDecision(trace: Trace, cell: MatrixCell): boolean {
  const theirs = trace.stages[trace.decidingStage];
  const mine = cell.stage;
  if (!theirs || !mine) return trace.verdict === cell.verdict && !theirs === !mine;
  return (
    trace.verdict === cell.verdict &&
    theirs.outcome === mine.outcome &&
    theirs.direction === mine.direction &&
    theirs.chain === mine.chain &&
    theirs.steps.length === mine.steps.length &&
    theirs.decidedBy === mine.decidedBy
  );
}

function newCell(cell: CellContext, verdict: Verdict, stage: StageTrace | null, decidedAt: DecidedAt): MatrixCell {
  return { source: cell.sourcePosition, destination: cell.destinationPosition, probe: cell.probe, ipVersion: cell.version, verdict, stage, decidedAt };
}

/**
 * Every verdict of the matrix: for each probe, each source and each destination (not
 * the source itself) that have an address of the probe's family. Pure: the same plan and
 * options give the same cells in the same order. Every stage comes from the reference
 * evaluator, run once per class of equivalent cells (test/matrix/differential.test.ts
 * compares the result with the reference evaluator cell by cell).
 */
export function matrixVerdicts(plan: TierPlan, options: MatrixOptions): MatrixResult {
  const selection = selectEndpoints(plan.inventory, options.from, options.to);
  const endpointToHostAction = options.endpointToHostAction ?? 'drop';
  const engine = new MatrixEngine(plan, options.probes, endpointToHostAction);
  const states = engine.states(selection.endpoints);
  const byProbe: MatrixCell[][] = options.probes.map(() => []);
  for (const sourcePosition of selection.sources) {
    const source = states[sourcePosition] as EndpointState;
    for (const destinationPosition of selection.destinations) {
      if (destinationPosition === sourcePosition) continue;
      const destination = states[destinationPosition] as EndpointState;
      const layout = layoutFor(source.entry.endpoint, destination.entry.endpoint);
      const cell: CellContext = { layout, source, destination, sourcePosition, destinationPosition, sourceAddress: -1, destinationAddress: -1, probe: 0, version: 4, trace: undefined };
      for (let probe = 0; probe < options.probes.length; probe++) {
        const version = familyFor(options.probes[probe] as Probe, source.entry, destination.entry, options.ipVersion);
        cell.sourceAddress = version === 4 ? source.address4 : source.address6;
        cell.destinationAddress = version === 4 ? destination.address4 : destination.address6;
        if (cell.sourceAddress < 0 || cell.destinationAddress < 0) continue;
        cell.probe = probe;
        cell.version = version;
        (byProbe[probe] as MatrixCell[]).push(engine.cell(cell));
      }
    }
  }
  const cells = byProbe.flat();
  return { plan, probes: options.probes, endpointToHostAction, ...selection, cells, count: cells.length, evaluations: engine.evaluations };
}
