import { describe, expect, it } from 'vitest';
import { emitIptables, lowerForIptables } from '../../../src/emit/iptables/index.js';
import { RunEvaluator } from '../../../src/eval/index.js';
import type { Action, Chain, Hook, Match, Program, Rule, TableKind } from '../../../src/ir/index.js';
import { differences, inputsFor } from './helpers.js';
import { emptyHookProgram, everythingProgram, rule } from './programs.js';

/**
 * lowerForIptables: every lowered rule is one iptables rule, and the lowered program means
 * the same as the original — checked by running both through the IR evaluator (src/eval)
 * on inputs built from the values the program tests.
 */

const chainOf = (program: Program, name: string): Chain => {
  const chain = program.chains.find((c) => c.name === name);
  if (!chain) throw new Error(`no chain ${name}`);
  return chain;
};

/** A program with one filter forward chain holding `rules` (policy drop), plus extra chains. */
function single(rules: Rule[], extra: Chain[] = []): Program {
  return {
    hooks: [{ table: 'filter', hook: 'forward', priority: 0, chain: 'c', policy: 'drop' }],
    chains: [{ name: 'c', rules }, { name: 'x', rules: [rule([], [{ kind: 'accept' }], 's:x')] }, ...extra],
    sets: [],
    maps: [],
  };
}

const SINGLE_VALUE = new Set<Match['kind']>(['sourceNet', 'destinationNet', 'inInterface', 'outInterface', 'protocol']);

function expectFlat(program: Program): void {
  for (const chain of program.chains) {
    for (const r of chain.rules) {
      expect(r.actions.length, `${chain.name}: ${JSON.stringify(r)}`).toBeLessThanOrEqual(1);
      expect(r.actions.some((a: Action) => a.kind === 'dispatch')).toBe(false);
      const kinds = r.matches.map((m) => m.kind).filter((k) => SINGLE_VALUE.has(k));
      expect(new Set(kinds).size, JSON.stringify(r)).toBe(kinds.length);
      for (const m of r.matches) {
        if ('nets' in m) expect(m.nets).toHaveLength(1);
        if ('names' in m) expect(m.names).toHaveLength(1);
        if ('protocols' in m) expect(m.protocols).toHaveLength(1);
        if ('ranges' in m) expect(m.ranges.reduce((n, range) => n + (range.min === range.max ? 1 : 2), 0)).toBeLessThanOrEqual(15);
      }
    }
  }
  expect(program.maps).toEqual([]);
}

const PROBE_HOOK: Record<TableKind, Hook['hook']> = { filter: 'forward', raw: 'prerouting', mangle: 'prerouting', nat: 'postrouting' };

/** The table of the first hook that reaches each chain. */
function tablesOf(program: Program): Map<string, TableKind> {
  const rules = new Map(program.chains.map((c) => [c.name, c.rules]));
  const out = new Map<string, TableKind>();
  for (const hook of program.hooks) {
    const queue = [hook.chain];
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (out.has(name)) continue;
      out.set(name, hook.table);
      for (const r of rules.get(name) ?? []) {
        for (const a of r.actions) {
          if (a.kind === 'jump' || a.kind === 'goto') queue.push(a.target);
          if (a.kind === 'dispatch') queue.push(...(program.maps.find((m) => m.name === a.map)?.entries.map((e) => e.target) ?? []));
        }
      }
    }
  }
  return out;
}

/**
 * One program per rule: the rule first in a base chain of its table, then a rule that
 * logs `after` (so falling through, returning and jumping back are told apart).
 */
function probes(program: Program): { id: string; program: Program }[] {
  const tables = tablesOf(program);
  return program.chains.flatMap((chain) =>
    chain.rules.map((r) => {
      const table = tables.get(chain.name) ?? 'filter';
      const probe: Chain = { name: 'probe', rules: [r, rule([], [{ kind: 'log', prefix: 'after' }], 's:after')] };
      const hook: Hook = { table, hook: PROBE_HOOK[table], priority: 0, chain: 'probe', policy: 'drop' };
      return { id: r.origin.id, program: { ...program, hooks: [hook], chains: [...program.chains, probe] } };
    }),
  );
}

describe('lowerForIptables', () => {
  it('keeps the meaning of each rule on its own (differential per rule, matched and not matched)', () => {
    for (const { id, program } of probes(everythingProgram())) {
      const lowered = lowerForIptables(program);
      expectFlat(lowered);
      const inputs = inputsFor(program, 1500, 7);
      expect(differences(program, lowered, inputs), id).toEqual([]);
      const evaluator = new RunEvaluator(program);
      const hits = inputs.filter((input) => evaluator.run(input).rulesHit.some((hit) => hit.chain === 'probe' && hit.index === 0)).length;
      if (!id.includes('never')) expect(hits, `${id}: no input matched`).toBeGreaterThan(0);
      const matches = program.chains.find((c) => c.name === 'probe')?.rules[0]?.matches.length ?? 0;
      if (matches > 0) expect(hits, `${id}: every input matched`).toBeLessThan(inputs.length);
    }
  });

  it('keeps the meaning of every match, action and lowering case (differential, 4000 inputs)', () => {
    const program = everythingProgram();
    const lowered = lowerForIptables(program);
    expectFlat(lowered);
    expect(differences(program, lowered, inputsFor(program, 4000, 1))).toEqual([]);
  });

  it('makes rules iptables can hold (the emitter accepts every one)', () => {
    expect(() => emitIptables(lowerForIptables(everythingProgram()))).not.toThrow();
  });

  it('leaves a flat program as it is (apart from canonical forms)', () => {
    const program = single([rule([{ kind: 'protocol', protocols: [6], negate: false }, { kind: 'sourceNet', version: 4, nets: ['10.0.0.0/8'], negate: false }], [{ kind: 'jump', target: 'x' }], 's:a')]);
    const lowered = lowerForIptables(program);
    expect(chainOf(lowered, 'c').rules).toEqual([
      rule([{ kind: 'sourceNet', version: 4, nets: ['10.0.0.0/8'], negate: false }, { kind: 'protocol', protocols: [6], negate: false }], [{ kind: 'jump', target: 'x' }], 's:a'),
    ]);
    expect(lowered.chains.map((c) => c.name)).toEqual(['c', 'x']);
  });

  it('writes an OR of nets as one rule per net, each with the whole effect', () => {
    const nets = ['10.0.0.0/8', '192.168.0.0/16', '10.1.0.0/16'];
    const program = single([rule([{ kind: 'sourceNet', version: 4, nets, negate: false }], [{ kind: 'setMark', mask: 0x10000, value: 0x10000 }, { kind: 'return' }], 's:a')]);
    const lowered = lowerForIptables(program);
    const rules = chainOf(lowered, 'c').rules;
    // 10.1.0.0/16 lies inside 10.0.0.0/8: two alternatives, each going to one `do` chain.
    expect(rules.map((r) => r.matches)).toEqual([
      [{ kind: 'sourceNet', version: 4, nets: ['10.0.0.0/8'], negate: false }],
      [{ kind: 'sourceNet', version: 4, nets: ['192.168.0.0/16'], negate: false }],
    ]);
    const target = (rules[0]?.actions[0] as { target: string }).target;
    expect(target).toMatch(/^calpol-do-[0-9a-f]{16}$/);
    expect(rules[1]?.actions).toEqual([{ kind: 'goto', target }]);
    expect(chainOf(lowered, target).rules).toEqual([rule([], [{ kind: 'setMark', mask: 0x10000, value: 0x10000 }], 's:a')]);
  });

  it('splits more than 15 multiport slots into chunks, and one rule per protocol for ports', () => {
    const ranges = Array.from({ length: 12 }, (_, i) => ({ min: 100 + 10 * i, max: 105 + 10 * i }));
    const program = single([rule([{ kind: 'protocol', protocols: [17, 6], negate: false }, { kind: 'destinationPort', ranges, negate: false }], [{ kind: 'drop' }], 's:a')]);
    const rules = chainOf(lowerForIptables(program), 'c').rules;
    expect(rules).toHaveLength(4);
    expect(rules.map((r) => r.matches.map((m) => (m.kind === 'protocol' ? m.protocols[0] : m.kind === 'destinationPort' ? m.ranges.length : m.kind)))).toEqual([
      [6, 7],
      [6, 5],
      [17, 7],
      [17, 5],
    ]);
  });

  it('keeps a negated port list in one rule (several ! --dports clauses AND)', () => {
    const ranges = Array.from({ length: 20 }, (_, i) => ({ min: 1000 + 2 * i, max: 1000 + 2 * i }));
    const program = single([rule([{ kind: 'protocol', protocols: [6], negate: false }, { kind: 'destinationPort', ranges, negate: true }], [{ kind: 'drop' }], 's:a')]);
    const rules = chainOf(lowerForIptables(program), 'c').rules;
    expect(rules).toHaveLength(1);
    expect(rules[0]?.matches.filter((m) => m.kind === 'destinationPort' && m.negate)).toHaveLength(2);
  });

  it('gives a port match without protocol one rule per protocol with ports', () => {
    const program = single([rule([{ kind: 'destinationPort', ranges: [{ min: 53, max: 53 }], negate: false }], [{ kind: 'accept' }], 's:a')]);
    const rules = chainOf(lowerForIptables(program), 'c').rules;
    expect(rules.map((r) => r.matches.find((m) => m.kind === 'protocol'))).toEqual([6, 17, 132].map((p) => ({ kind: 'protocol', protocols: [p], negate: false })));
  });

  it('tests negated nets in a helper chain (call mode: RETURN fails the condition)', () => {
    const program = single([rule([{ kind: 'sourceNet', version: 4, nets: ['10.1.0.0/16', '10.2.0.0/16'], negate: true }], [{ kind: 'log', prefix: 'p' }], 's:a')]);
    const lowered = lowerForIptables(program);
    const rules = chainOf(lowered, 'c').rules;
    expect(rules).toHaveLength(1);
    // The helper took the family-bound matches: the rule keeps its family explicitly.
    expect(rules[0]?.matches).toEqual([{ kind: 'family', version: 4 }]);
    const helper = chainOf(lowered, (rules[0]?.actions[0] as { target: string }).target);
    expect(helper.name).toMatch(/^calpol-not-/);
    expect(helper.rules.map((r) => r.actions[0]?.kind)).toEqual(['return', 'return', 'log']);
  });

  it('uses the flag bit for a return whose condition needs helpers, and leaves it clear', () => {
    const program = single([
      rule([{ kind: 'sourceNet', version: 4, nets: ['10.1.0.0/16', '10.2.0.0/16'], negate: true }], [{ kind: 'setMark', mask: 0x10000, value: 0x10000 }, { kind: 'return' }], 's:a'),
      rule([], [{ kind: 'drop' }], 's:b'),
    ]);
    const lowered = lowerForIptables(program);
    const rules = chainOf(lowered, 'c').rules;
    expect(rules[0]).toEqual(rule([], [{ kind: 'setMark', mask: 0x80000, value: 0 }], 's:a'));
    expect(rules[2]?.matches).toEqual([{ kind: 'mark', mask: 0x80000, value: 0x80000, negate: false }]);
    expect(rules[3]).toEqual(rule([], [{ kind: 'drop' }], 's:b'));
    const inputs = inputsFor(program, 500, 2);
    expect(differences(program, lowered, inputs)).toEqual([]);
  });

  it('picks a flag bit the program does not use', () => {
    const program = single([
      rule([{ kind: 'mark', mask: 0x80000, value: 0, negate: false }, { kind: 'inInterface', names: ['a', 'b'], negate: true }], [{ kind: 'goto', target: 'x' }], 's:a'),
    ]);
    const rules = chainOf(lowerForIptables(program), 'c').rules;
    expect(rules[0]?.actions).toEqual([{ kind: 'setMark', mask: 0x100000, value: 0 }]);
  });

  it('needs a free mark bit only for the flag scheme', () => {
    const allBits = { kind: 'mark', mask: 0xffffffff, value: 0, negate: false } as const;
    const plain = single([rule([allBits, { kind: 'inInterface', names: ['a', 'b'], negate: true }], [{ kind: 'drop' }], 's:a')]);
    expect(() => lowerForIptables(plain)).not.toThrow();
    const flagged = single([rule([allBits, { kind: 'inInterface', names: ['a', 'b'], negate: true }], [{ kind: 'return' }], 's:a')]);
    expect(() => lowerForIptables(flagged)).toThrow(/no free mark bit/);
  });

  it('writes a goto-only dispatch without statements as one rule per entry, in lookup order', () => {
    const program: Program = {
      ...single([rule([], [{ kind: 'dispatch', on: 'inInterface', map: 'm' }], 's:d'), rule([], [{ kind: 'drop' }], 's:u')]),
      maps: [
        {
          name: 'm',
          entries: [
            { interface: 'cali*', verdict: 'goto', target: 'x' },
            { interface: 'c*', verdict: 'goto', target: 'x' },
            { interface: 'cali1', verdict: 'goto', target: 'x' },
          ],
          origin: { id: 's:map:m' },
        },
      ],
    };
    const rules = chainOf(lowerForIptables(program), 'c').rules;
    expect(rules.map((r) => (r.matches[0] as { names: string[] } | undefined)?.names[0] ?? '-')).toEqual(['cali1', 'cali*', 'c*', '-']);
  });

  it('turns a jump-only map into a dispatch chain named after the map', () => {
    const program: Program = {
      ...single([rule([], [{ kind: 'dispatch', on: 'outInterface', map: 'cp-map' }], 's:d')]),
      maps: [{ name: 'cp-map', entries: [{ interface: 'eth0', verdict: 'jump', target: 'x' }], origin: { id: 's:map:m' } }],
    };
    const lowered = lowerForIptables(program);
    expect(chainOf(lowered, 'c').rules[0]?.actions).toEqual([{ kind: 'jump', target: 'cp-map' }]);
    expect(chainOf(lowered, 'cp-map').rules).toEqual([rule([{ kind: 'outInterface', names: ['eth0'], negate: false }], [{ kind: 'goto', target: 'x' }], 's:map:m')]);
  });

  it('widens a setMark mask to cover its value (--set-xmark XORs)', () => {
    const program = single([rule([], [{ kind: 'setMark', mask: 0x1, value: 0x3 }], 's:a')]);
    expect(chainOf(lowerForIptables(program), 'c').rules[0]?.actions).toEqual([{ kind: 'setMark', mask: 0x3, value: 0x3 }]);
  });

  it('drops rules no packet can match and rules without actions, and unreachable chains', () => {
    const program = single(
      [
        rule([{ kind: 'sourceNet', version: 4, nets: [], negate: false }], [{ kind: 'drop' }], 's:a'),
        rule([{ kind: 'sourceNet', version: 4, nets: ['10.0.0.0/8'], negate: false }, { kind: 'destinationNet', version: 6, nets: ['fd00::/8'], negate: false }], [{ kind: 'drop' }]),
        rule([{ kind: 'protocol', protocols: [6], negate: false }], []),
      ],
      [{ name: 'unused', rules: [] }],
    );
    const lowered = lowerForIptables(program);
    expect(chainOf(lowered, 'c').rules).toEqual([]);
    expect(lowered.chains.map((c) => c.name)).toEqual(['c']);
  });

  it('refuses what iptables cannot hold', () => {
    const twoHooks = { ...emptyHookProgram(), hooks: [...emptyHookProgram().hooks, { table: 'filter', hook: 'forward', priority: 5, chain: 'cp-forward', policy: 'accept' } as const] };
    expect(() => lowerForIptables(twoHooks)).toThrow(/more than one chain at filter forward/);
    const badHook = { ...emptyHookProgram(), hooks: [{ table: 'raw', hook: 'input', priority: 0, chain: 'cp-forward', policy: 'accept' } as const] };
    expect(() => lowerForIptables(badHook)).toThrow(/raw has no input chain/);
    expect(() => lowerForIptables(single([rule([{ kind: 'inInterface', names: ['bad name'], negate: false }], [{ kind: 'drop' }])]))).toThrow(/interface name/);
    expect(() => lowerForIptables(single([rule([{ kind: 'inInterface', names: ['abcdefghijklmno*'], negate: false }], [{ kind: 'drop' }])]))).toThrow(/interface name/);
    const badMap = { ...single([]), maps: [{ name: 'm', entries: [{ interface: 'a+b', verdict: 'goto', target: 'x' } as const], origin: { id: 's:m' } }] };
    expect(() => lowerForIptables(badMap)).toThrow(/interface name "a\+b"/);
    expect(() => lowerForIptables(single([rule([{ kind: 'icmp', version: 4, type: 255, negate: false }], [{ kind: 'drop' }])]))).toThrow(/ICMP type 255/);
    expect(() => lowerForIptables(single([rule([{ kind: 'sourceSet', set: 'nope', negate: false }], [{ kind: 'drop' }])]))).toThrow(/unknown set nope/);
    expect(() => lowerForIptables(single([rule([], [{ kind: 'jump', target: 'nope' }])]))).toThrow(/unknown chain nope/);
    expect(() => lowerForIptables({ ...emptyHookProgram(), chains: [{ name: 'calpol-FORWARD', rules: [] }, ...emptyHookProgram().chains] })).toThrow(/reserved/);
  });
});
