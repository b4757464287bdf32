import type { ResolvedFlow } from '../eval/index.js';
import type { ProbeRequest } from './probe.js';
import { canonicalAddress } from './topology.js';

/**
 * Probes that must not run together. Conntrack remembers every connection a lab has
 * seen, so a flow whose connection (either way round) an earlier flow already made would
 * ride on that entry (established) instead of being judged as new: such probes need
 * separate labs. And a source port bound by one probe cannot be the listening port of
 * another at the same address: such probes need separate steps in a lab, with the echo
 * servers closed in between. Probes are placed greedily into the first lab and step that
 * admit them. ICMP echo probes never clash (each ping has its own identifier).
 */

export interface ProbeToRun {
  flow: ResolvedFlow;
  probe: ProbeRequest;
}

interface Step {
  members: number[];
  listening: Set<string>;
  bound: Set<string>;
}

interface LabRound {
  connections: Set<string>;
  steps: Step[];
}

interface Keys {
  connection: string;
  listens: string;
  binds: string;
}

function keysOf({ flow, probe }: ProbeToRun): Keys | undefined {
  if (probe.protocol === 'icmp') return undefined;
  const source = `${canonicalAddress(flow.packet.sourceAddress)}:${probe.sourcePort ?? 0}`;
  const destination = `${canonicalAddress(probe.to)}:${probe.port ?? 0}`;
  return {
    connection: `${probe.protocol} ${[source, destination].sort().join(' ')}`,
    listens: `${probe.protocol} ${destination}`,
    binds: `${probe.protocol} ${source}`,
  };
}

const stepFits = (step: Step, keys: Keys | undefined) => !keys || (!step.bound.has(keys.listens) && !step.listening.has(keys.binds));

function place(round: LabRound, index: number, keys: Keys | undefined): void {
  let step = round.steps.find((s) => stepFits(s, keys));
  if (!step) {
    step = { members: [], listening: new Set(), bound: new Set() };
    round.steps.push(step);
  }
  step.members.push(index);
  if (!keys) return;
  round.connections.add(keys.connection);
  step.listening.add(keys.listens);
  step.bound.add(keys.binds);
}

/** Indexes of `probes` as labs of steps, in order; each probe in exactly one step. */
export function probeRounds(probes: readonly ProbeToRun[]): number[][][] {
  const rounds: LabRound[] = [];
  probes.forEach((probe, index) => {
    const keys = keysOf(probe);
    let round = rounds.find((r) => !keys || !r.connections.has(keys.connection));
    if (!round) {
      round = { connections: new Set(), steps: [] };
      rounds.push(round);
    }
    place(round, index, keys);
  });
  return rounds.map((round) => round.steps.map((step) => step.members));
}

/** A key equal for probes that are the same packet from the same place (probed once, result shared). */
export function probeKey(probe: ProbeRequest): string {
  return `${probe.from} ${canonicalAddress(probe.to)} ${probe.protocol} ${probe.port ?? ''} ${probe.sourcePort ?? ''}`;
}
