import type { Command } from 'commander';
import {
  createTopology,
  emitForTarget,
  labDown,
  loadRuleset,
  prepareVerification,
  startLab,
  usesIpv6,
  type Lab,
  type LabTopology,
  type NodePlan,
  type VerifyTarget,
} from '../../verify/index.js';
import { EXIT } from '../errors.js';
import type { Io } from '../io.js';
import { oneOf } from './options.js';
import { addPlanOptions } from './plan-options.js';
import { asUserError, describeNode, nodeFlows, requireLab, setUpNode, type NodeFlags } from './verify.js';

/**
 * `calpol lab up`: the lab of `calpol verify`, left standing with the ruleset loaded, so a
 * person can enter each "pod" and ping or connect by hand (the seeds' experiment as a
 * tool). `calpol lab down` removes labs whose process is gone.
 */

const LAB_TARGETS = ['nft', 'iptables', 'iptables-legacy'] as const;

interface LabUpFlags extends NodeFlags {
  target: VerifyTarget;
}

interface LabDownFlags {
  force?: boolean;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`.trimEnd());
}

function endpointRows(topology: LabTopology, nodePlan: NodePlan): string[][] {
  const rows = [['namespace', 'who', 'addresses', 'node interface']];
  const addresses = (e: { ipv4?: string | undefined; ipv6?: string | undefined }) => [e.ipv4, e.ipv6].filter(Boolean).join(' ');
  topology.workloads.forEach((workload, index) => {
    const endpoint = nodePlan.workloads[index]?.endpoint;
    const who = endpoint ? `pod ${endpoint.namespace ? `${endpoint.namespace}/` : ''}${endpoint.name}` : workload.name;
    rows.push([workload.namespace, who, addresses(workload), workload.interfaceName]);
  });
  const { node, uplink } = topology;
  rows.push([node.namespace, 'the node', addresses(usesIpv6(topology) ? node : { ipv4: node.ipv4 }), node.uplinkInterface]);
  topology.hostEndpoints.forEach((hep, index) => {
    rows.push([hep.namespace, `host endpoint ${nodePlan.hostEndpoints[index]?.endpoint.name ?? hep.name}`, hep.expectedIPs.join(' '), hep.interfaceName]);
  });
  if (topology.externalHosts.length > 0) rows.push([uplink.namespace, 'outside hosts', topology.externalHosts.map(addresses).join(' '), '']);
  return rows;
}

function howTo(topology: LabTopology, target: VerifyTarget): string[] {
  const [first, second] = topology.workloads;
  const lines = ['Try:'];
  if (first && second) {
    const to = second.ipv4 ?? second.ipv6 ?? '';
    const url = to.includes(':') ? `[${to}]` : to;
    lines.push(`  ip netns exec ${first.namespace} ping -c1 -W1 ${to}`);
    lines.push(`  ip netns exec ${second.namespace} python3 -m http.server 8080 --bind ${to} &   # a listener in the pod`);
    lines.push(`  ip netns exec ${first.namespace} curl -m2 http://${url}:8080/`);
  }
  lines.push(`  ip netns exec ${topology.node.namespace} ${target === 'nft' ? 'nft list ruleset' : `${target === 'iptables' ? 'iptables-nft' : 'iptables-legacy'}-save`}`);
  lines.push(`  ip netns exec ${topology.workloads[0]?.namespace ?? topology.node.namespace} bash   # a shell "in the pod"`);
  lines.push('Remove it with: calpol lab down');
  return lines;
}

async function labUp(paths: string[], flags: LabUpFlags, io: Io): Promise<void> {
  requireLab('lab up');
  const setup = await setUpNode(paths, flags, io);
  let topology: LabTopology;
  try {
    const prepared = prepareVerification({ plan: setup.plan, inventory: setup.model.inventory, node: setup.nodePlan, flows: nodeFlows(setup, Infinity).flows, endpointToHostAction: flags.endpointToHostAction });
    topology = createTopology(prepared.labSpec);
    const lab: Lab = await startLab(topology);
    try {
      await loadRuleset(lab, emitForTarget(setup.program, flags.target));
    } catch (error) {
      await lab.teardown();
      throw error;
    }
    await lab.keep();
  } catch (error) {
    throw asUserError(error);
  }
  const lines = [`lab ${topology.prefix} is up: ${describeNode(setup.nodePlan)}; the ${flags.target} ruleset is loaded in the node.`, ...table(endpointRows(topology, setup.nodePlan)), ...howTo(topology, flags.target)];
  io.stdout(`${lines.join('\n')}\n`);
}

/** Namespace counts per lab (`calpol-<pid>-<hex>`), in order of first appearance. */
function byLab(namespaces: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const namespace of namespaces) {
    const lab = namespace.replace(/-[^-]+$/, '');
    counts.set(lab, (counts.get(lab) ?? 0) + 1);
  }
  return counts;
}

async function labDownCommand(prefix: string | undefined, flags: LabDownFlags, io: Io, setExit: (code: number) => void): Promise<void> {
  requireLab('lab down');
  let report: Awaited<ReturnType<typeof labDown>>;
  try {
    report = await labDown(prefix ?? 'calpol', { force: flags.force ?? false });
  } catch (error) {
    throw asUserError(error);
  }
  for (const namespace of report.removed) io.stdout(`removed ${namespace}\n`);
  for (const [lab, count] of byLab(report.inUse)) {
    io.stdout(`kept lab ${lab} (${count} namespace${count === 1 ? '' : 's'}): the calpol process that made it still runs (--force removes it)\n`);
  }
  for (const failure of report.failed) io.stderr(`calpol lab down: could not remove ${failure.namespace}: ${failure.message}\n`);
  if (report.removed.length + report.inUse.length + report.failed.length === 0) io.stdout('no calpol lab namespaces\n');
  setExit(report.failed.length > 0 ? EXIT.findings : EXIT.ok);
}

export function registerLab(program: Command, io: Io, setExit: (code: number) => void): void {
  const lab = program.command('lab').description('Network-namespace labs wired like a Calico node (root): build one and leave it up, or remove them.');
  const up = lab
    .command('up')
    .description('Build the lab of calpol verify, load the ruleset into its node and leave it up; prints how to enter each pod.')
    .argument('<paths...>', 'policy and inventory files or directories')
    .option('-t, --target <target>', `${LAB_TARGETS.join(', ')} (iptables = iptables-nft)`, oneOf(LAB_TARGETS), 'nft')
    .option('--node <name>', 'the node to build (default: the node with the most endpoints)');
  addPlanOptions(up)
    .addHelpText('after', '\nExit codes: 0 the lab is up, 2 usage or input error, or not root.')
    .action(async (paths: string[], flags: LabUpFlags) => labUp(paths, flags, io));
  lab
    .command('down')
    .description('Remove calpol lab namespaces (all, or those under a prefix such as calpol-<pid>-<hex>) whose process has ended.')
    .argument('[prefix]', 'calpol, calpol-<pid> or calpol-<pid>-<hex> (default: calpol, every lab)')
    .option('--force', 'also remove labs whose calpol process still runs')
    .addHelpText('after', '\nExit codes: 0 done, 1 a namespace could not be removed, 2 usage error or not root.')
    .action(async (prefix: string | undefined, flags: LabDownFlags) => labDownCommand(prefix, flags, io, setExit));
}
