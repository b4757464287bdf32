import { IpSets, parsePrefix, prefixContains, protocolNumber, type Prefix, type StageTrace } from '../eval/index.js';
import type { EntityMatch, PolicyRule } from '../model/index.js';
import type { EndpointPlan, FailsafePort } from '../tiers/index.js';
import type { Probe } from './probes.js';

/**
 * Why the matrix can share work between cells. A chain's outcome (eval/chain.ts) depends
 * on the packet's protocol and ports, and on its two addresses only through a fixed
 * list of address tests: "is it in this selector's IP set", "is it in this net", "which
 * of the probed ports are in this named-port set". So two packets through the same chain
 * (same tiers, policies and profiles) that agree on every test the chain's rules make
 * get the same stage, step for step. Each chain is reduced to a class (its plan's
 * signature), each address to its answers to the class's tests (a projection: usually a
 * handful per class), and each (class, projections, probe) is evaluated once.
 */

/** Source port of every probe (as `calpol explain` defaults it). */
export const PROBE_SOURCE_PORT = 40000;

/** The distinct addresses of the matrix, numbered. */
export class AddressBook {
  readonly addresses: Prefix[] = [];
  private readonly index = new Map<string, number>();

  indexOf(address: Prefix): number {
    const key = `${address.version}:${address.value}`;
    let index = this.index.get(key);
    if (index === undefined) {
      index = this.addresses.length;
      this.index.set(key, index);
      this.addresses.push(address);
    }
    return index;
  }
}

/** One address test; answers are cached per address. */
class AddressTest {
  private readonly answers: string[] = [];

  constructor(private readonly answer: (address: Prefix) => string) {}

  valueFor(addressIndex: number, book: AddressBook): string {
    let value = this.answers[addressIndex];
    if (value === undefined) value = this.answers[addressIndex] = this.answer(book.addresses[addressIndex] as Prefix);
    return value;
  }
}

/** The address tests of every chain, shared by key (one selector tested once per address). */
class AddressTests {
  private readonly tests = new Map<string, AddressTest>();

  constructor(
    private readonly ipSets: IpSets,
    private readonly probes: readonly Probe[],
  ) {}

  private get(key: string, answer: (address: Prefix) => string): AddressTest {
    let test = this.tests.get(key);
    if (!test) this.tests.set(key, (test = new AddressTest(answer)));
    return test;
  }

  net(text: string): AddressTest {
    const net = parsePrefix(text);
    return this.get(`n:${text}`, (address) => (net !== undefined && prefixContains(net, address) ? '1' : '0'));
  }

  selector(side: EntityMatch, which: 'selector' | 'notSelector'): AddressTest {
    const selector = side[which];
    if (!selector) throw new Error('bug: address test for a missing selector');
    return this.get(`s:${selector.id}`, (address) => (this.ipSets.selectorContains(selector, address) ? '1' : '0'));
  }

  /** Which probed (protocol, port) pairs, as destination and as source port, an address has under a named port. */
  namedPort(side: EntityMatch, name: string, rule: PolicyRule): AddressTest {
    const ruleProtocol = rule.protocol === undefined ? '*' : protocolNumber(rule.protocol);
    const key = `p:${side.selector?.id ?? '*'}|${name}|${ruleProtocol}`;
    return this.get(key, (address) => {
      let bits = '';
      for (const probe of this.probes) {
        if (probe.port === undefined) continue;
        for (const port of [probe.port, PROBE_SOURCE_PORT]) {
          bits += this.ipSets.namedPortContains(side, name, rule.protocol, address, probe.protocolNumber, port) ? '1' : '0';
        }
      }
      return bits;
    });
  }

  /** Every test a rule makes of the packet's addresses (eval/match.ts), in a stable order. */
  ofRule(rule: PolicyRule, out: Set<AddressTest>): void {
    for (const side of [rule.source, rule.destination]) {
      for (const net of side.nets) out.add(this.net(net));
      for (const net of side.notNets) out.add(this.net(net));
      if (side.selector) out.add(this.selector(side, 'selector'));
      if (side.notSelector) out.add(this.selector(side, 'notSelector'));
      for (const port of [...side.ports, ...side.notPorts]) {
        if (port.kind === 'named') out.add(this.namedPort(side, port.name, rule));
      }
    }
  }
}

/** Chains with the same tiers, policies and profiles (and the same kind of endpoint): one class. */
export class ChainClass {
  private readonly projectionOf: Int32Array;
  private readonly projectionIds = new Map<string, number>();
  /** Stages by (own projection, peer projection, probe); shared by every cell that maps here. */
  readonly stages = new Map<number, StageTrace>();

  constructor(
    private readonly tests: readonly AddressTest[],
    private readonly book: AddressBook,
    addressCount: number,
  ) {
    this.projectionOf = new Int32Array(addressCount).fill(-1);
  }

  /** The address's answers to this class's tests, as a small number (same answers, same number). */
  project(addressIndex: number): number {
    let projection = this.projectionOf[addressIndex] as number;
    if (projection >= 0) return projection;
    // The family is part of every answer: rules for one family never match the other (ipVersion, nets).
    let signature = `${(this.book.addresses[addressIndex] as Prefix).version}|`;
    for (const test of this.tests) signature += test.valueFor(addressIndex, this.book) + ',';
    projection = this.projectionIds.get(signature) ?? this.projectionIds.size;
    this.projectionIds.set(signature, projection);
    this.projectionOf[addressIndex] = projection;
    return projection;
  }
}

function planSignature(plan: EndpointPlan): string {
  const tiers = plan.tiers.map(
    (applied) => `${applied.tier.name}:${applied.defaultAction}:${applied.endOfTierDrop ? 1 : 0}:${applied.policies.map((p) => p.key).join(',')}`,
  );
  const profiles = plan.profiles.map((step) => (step.profile ? step.name : `!${step.name}`));
  return `${plan.endpoint.kind}|${plan.direction}|${plan.chain}|${tiers.join(';')}|${profiles.join(',')}`;
}

/** Finds (or makes) the class of each endpoint's chain. */
export class ChainClasses {
  private readonly classes = new Map<string, ChainClass>();
  private readonly tests: AddressTests;

  constructor(
    ipSets: IpSets,
    probes: readonly Probe[],
    private readonly book: AddressBook,
  ) {
    this.tests = new AddressTests(ipSets, probes);
  }

  get size(): number {
    return this.classes.size;
  }

  classOf(plan: EndpointPlan, failsafe: readonly FailsafePort[]): ChainClass {
    const signature = planSignature(plan);
    let found = this.classes.get(signature);
    if (found) return found;
    const tests = new Set<AddressTest>();
    const rules = [
      ...plan.tiers.flatMap((applied) => applied.policies.flatMap((policy) => policy[plan.direction])),
      ...plan.profiles.flatMap((step) => (step.profile ? step.profile[plan.direction] : [])),
    ];
    for (const rule of rules) this.tests.ofRule(rule, tests);
    for (const port of failsafe) if (port.net !== undefined) tests.add(this.tests.net(port.net));
    found = new ChainClass([...tests], this.book, this.book.addresses.length);
    this.classes.set(signature, found);
    return found;
  }
}
