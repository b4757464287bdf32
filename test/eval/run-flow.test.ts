import { describe, expect, it } from 'vitest';
import { syntheticSpan } from '../../src/diag/index.js';
import { RunEvaluator, runFlow, runInputsFor, type ResolvedFlow, type RunInput } from '../../src/eval/index.js';
import type { Endpoint } from '../../src/model/index.js';
import { accept, chain, drop, hook, packet, program, rule } from './run-helpers.js';

function endpoint(kind: 'workload' | 'host', name: string, node: string | undefined, interfaceName: string | undefined): Endpoint {
  const result: Endpoint = {
    key: `${kind}/${name}`,
    kind,
    name,
    addresses: [],
    labels: {},
    ownLabels: {},
    profiles: [],
    namedPorts: [],
    source: kind === 'host' ? 'HostEndpoint' : 'Pod',
    span: syntheticSpan('<test>'),
  };
  if (kind === 'workload') result.namespace = 'ns';
  if (node !== undefined) result.node = node;
  if (interfaceName !== undefined) result.interfaceName = interfaceName;
  return result;
}

const podA = endpoint('workload', 'a', 'n1', 'cali-a');
const podB = endpoint('workload', 'b', 'n1', 'cali-b');
const podC = endpoint('workload', 'c', 'n2', 'cali-c');
const hep1 = endpoint('host', 'h1', 'n1', 'eth1');
const hep1b = endpoint('host', 'h1b', 'n1', 'bond0');
const hep2 = endpoint('host', 'h2', 'n2', 'eth2');
const hepAll = endpoint('host', 'all', 'n1', '*');

function flow(source: Endpoint | undefined, destination: Endpoint | undefined, via: { in?: Endpoint; out?: Endpoint } = {}): ResolvedFlow {
  const result: ResolvedFlow = { packet: packet(), path: 'workload' };
  if (source) result.sourceEndpoint = source;
  if (destination) result.destinationEndpoint = destination;
  if (via.in) result.ingressHostEndpoint = via.in;
  if (via.out) result.egressHostEndpoint = via.out;
  return result;
}

/** The traversals without the packet, for comparison. */
const hops = (f: ResolvedFlow, uplink?: string) =>
  runInputsFor(f, uplink === undefined ? {} : { uplinkInterface: uplink }).map(({ packet: _packet, ...rest }) => rest as Omit<RunInput, 'packet'>);

describe('runInputsFor: the traversals of a flow', () => {
  it('pod → pod on one node: one forward traversal between the veths', () => {
    expect(hops(flow(podA, podB))).toEqual([{ path: 'forward', inInterface: 'cali-a', outInterface: 'cali-b', node: 'n1' }]);
  });

  it('pod → pod on two nodes: forward at each node through the uplink', () => {
    expect(hops(flow(podA, podC))).toEqual([
      { path: 'forward', inInterface: 'cali-a', outInterface: 'eth0', node: 'n1' },
      { path: 'forward', inInterface: 'eth0', outInterface: 'cali-c', node: 'n2' },
    ]);
  });

  it('pod ↔ external: forward through the uplink (or the named host endpoint)', () => {
    expect(hops(flow(podA, undefined))).toEqual([{ path: 'forward', inInterface: 'cali-a', outInterface: 'eth0', node: 'n1' }]);
    expect(hops(flow(podA, undefined), 'ens3')).toEqual([{ path: 'forward', inInterface: 'cali-a', outInterface: 'ens3', node: 'n1' }]);
    expect(hops(flow(podA, undefined, { out: hep1 }))).toEqual([{ path: 'forward', inInterface: 'cali-a', outInterface: 'eth1', node: 'n1' }]);
    expect(hops(flow(undefined, podA))).toEqual([{ path: 'forward', inInterface: 'eth0', outInterface: 'cali-a', node: 'n1' }]);
    expect(hops(flow(undefined, podA, { in: hep1 }))).toEqual([{ path: 'forward', inInterface: 'eth1', outInterface: 'cali-a', node: 'n1' }]);
  });

  it('a named host endpoint on another node is a gateway: one more forward traversal there', () => {
    expect(hops(flow(podA, undefined, { out: hep2 }))).toEqual([
      { path: 'forward', inInterface: 'cali-a', outInterface: 'eth0', node: 'n1' },
      { path: 'forward', inInterface: 'eth0', outInterface: 'eth2', node: 'n2' },
    ]);
    expect(hops(flow(undefined, podA, { in: hep2 }))).toEqual([
      { path: 'forward', inInterface: 'eth2', outInterface: 'eth0', node: 'n2' },
      { path: 'forward', inInterface: 'eth0', outInterface: 'cali-a', node: 'n1' },
    ]);
  });

  it('pod → host endpoint: input from the veth on one node; forward then input on two', () => {
    expect(hops(flow(podA, hep1))).toEqual([{ path: 'input', inInterface: 'cali-a', node: 'n1' }]);
    expect(hops(flow(podC, hep1))).toEqual([
      { path: 'forward', inInterface: 'cali-c', outInterface: 'eth0', node: 'n2' },
      { path: 'input', inInterface: 'eth1', node: 'n1' },
    ]);
  });

  it('external → host endpoint: input by its interface (or the named one; the uplink for `*`)', () => {
    expect(hops(flow(undefined, hep1))).toEqual([{ path: 'input', inInterface: 'eth1', node: 'n1' }]);
    expect(hops(flow(undefined, hep1, { in: hep1b }))).toEqual([{ path: 'input', inInterface: 'bond0', node: 'n1' }]);
    expect(hops(flow(undefined, hepAll))).toEqual([{ path: 'input', inInterface: 'eth0', node: 'n1' }]);
  });

  it('host endpoint → external: output by its interface (or the named one)', () => {
    expect(hops(flow(hep1, undefined))).toEqual([{ path: 'output', outInterface: 'eth1', node: 'n1' }]);
    expect(hops(flow(hep1, undefined, { out: hep1b }))).toEqual([{ path: 'output', outInterface: 'bond0', node: 'n1' }]);
  });

  it('host → pod: output to the veth on its node; output then forward across nodes', () => {
    expect(hops(flow(hep1, podA))).toEqual([{ path: 'output', outInterface: 'cali-a', node: 'n1' }]);
    expect(hops(flow(hep1, podC))).toEqual([
      { path: 'output', outInterface: 'eth1', node: 'n1' },
      { path: 'forward', inInterface: 'eth0', outInterface: 'cali-c', node: 'n2' },
    ]);
  });

  it('host → host: output from the source interface, input by the destination interface', () => {
    expect(hops(flow(hep1, hep1b))).toEqual([
      { path: 'output', outInterface: 'eth1', node: 'n1' },
      { path: 'input', inInterface: 'bond0', node: 'n1' },
    ]);
    expect(hops(flow(hep1, hep2))).toEqual([
      { path: 'output', outInterface: 'eth1', node: 'n1' },
      { path: 'input', inInterface: 'eth2', node: 'n2' },
    ]);
  });

  it('external → external: forward between the named host endpoints (or the uplink)', () => {
    expect(hops(flow(undefined, undefined))).toEqual([{ path: 'forward', inInterface: 'eth0', outInterface: 'eth0' }]);
    expect(hops(flow(undefined, undefined, { in: hep1, out: hep1b }))).toEqual([{ path: 'forward', inInterface: 'eth1', outInterface: 'bond0', node: 'n1' }]);
  });

  it('endpoints without a node are on every node', () => {
    const floating = endpoint('workload', 'f', undefined, 'cali-f');
    expect(hops(flow(floating, podC))).toEqual([{ path: 'forward', inInterface: 'cali-f', outInterface: 'cali-c', node: 'n2' }]);
  });

  it('a workload without an interface name is an error', () => {
    expect(() => hops(flow(endpoint('workload', 'x', 'n1', undefined), podA))).toThrow(/no interface name/);
  });
});

describe('runFlow', () => {
  const forwardOnly = (verdict: 'accept' | 'drop') =>
    new RunEvaluator(program({ hooks: [hook('filter', 'forward', 0, 'fwd', 'accept')], chains: [chain('fwd', rule('only', [], verdict === 'accept' ? accept : drop))] }));

  it('allows only if every traversal accepts, and stops at the first drop', () => {
    const across = flow(podA, podC);
    expect(runFlow(forwardOnly('accept'), across)).toMatchObject({ verdict: 'allow', traversals: [{ verdict: 'accept' }, { verdict: 'accept' }] });
    const perNode = (node: string | undefined) => forwardOnly(node === 'n1' ? 'drop' : 'accept');
    const denied = runFlow(perNode, across);
    expect(denied.verdict).toBe('deny');
    expect(denied.traversals).toHaveLength(1);
    const late = runFlow((node) => forwardOnly(node === 'n2' ? 'drop' : 'accept'), across);
    expect(late.verdict).toBe('deny');
    expect(late.traversals).toHaveLength(2);
  });
});
