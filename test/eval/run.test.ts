import { describe, expect, it } from 'vitest';
import { MAX_CHAIN_DEPTH, RunEvaluator, run, type RunInput } from '../../src/eval/index.js';
import type { Chain, Program } from '../../src/ir/index.js';
import { accept, chain, drop, goto, hook, jump, packet, program, ret, rule, setMark } from './run-helpers.js';

const forward = (fields: Partial<RunInput> = {}): RunInput => ({ packet: packet(), path: 'forward', inInterface: 'cali1', outInterface: 'cali2', ...fields });
const ids = (trace: { rulesHit: { origin: { id: string } }[] }) => trace.rulesHit.map((hit) => hit.origin.id);

/** A forward hook running the given chains, the first as the base chain. */
function forwardProgram(policy: 'accept' | 'drop', ...chains: Chain[]): Program {
  return program({ hooks: [hook('filter', 'forward', 0, chains[0]!.name, policy)], chains });
}

describe('run: base chains and hooks', () => {
  const twoBaseChains = program({
    hooks: [hook('filter', 'forward', 0, 'late'), hook('mangle', 'forward', -150, 'early')],
    chains: [chain('early', rule('early-accept', [], accept), rule('early-never', [], drop)), chain('late', rule('late-drop', [{ kind: 'protocol', protocols: [17], negate: false }], drop), rule('late-accept', [], accept))],
  });

  it('runs base chains in ascending priority; accept ends only the current base chain', () => {
    const trace = run(twoBaseChains, forward());
    expect(trace.verdict).toBe('accept');
    expect(ids(trace)).toEqual(['early-accept', 'late-accept']);
    expect(trace.final).toEqual({ chain: 'late', index: 1 });
    expect(trace.baseChains.map((base) => [base.chain, base.outcome])).toEqual([
      ['early', 'accept'],
      ['late', 'accept'],
    ]);
  });

  it('drop in a later base chain is final', () => {
    const trace = run(twoBaseChains, forward({ packet: packet({ protocol: 17 }) }));
    expect(trace.verdict).toBe('drop');
    expect(trace.final).toEqual({ chain: 'late', index: 0 });
  });

  it('drop ends everything: later hooks do not run', () => {
    const p = program({
      hooks: [hook('raw', 'prerouting', -300, 'pre'), hook('filter', 'forward', 0, 'fwd')],
      chains: [chain('pre', rule('pre-drop', [], drop)), chain('fwd', rule('fwd-accept', [], accept))],
    });
    const trace = run(p, forward());
    expect(trace.verdict).toBe('drop');
    expect(ids(trace)).toEqual(['pre-drop']);
    expect(trace.baseChains).toHaveLength(1);
  });

  it('falling off a base chain applies its policy', () => {
    const dropping = forwardProgram('drop', chain('fwd', rule('udp-only', [{ kind: 'protocol', protocols: [17], negate: false }], accept)));
    expect(run(dropping, forward()).verdict).toBe('drop');
    expect(run(dropping, forward()).final).toBeUndefined();
    expect(run(dropping, forward()).baseChains[0]?.outcome).toBe('policy-drop');
    expect(run(forwardProgram('accept', chain('fwd')), forward()).verdict).toBe('accept');
  });

  it('crosses the hooks of each path only', () => {
    const hooks = (['prerouting', 'input', 'forward', 'output', 'postrouting'] as const).map((name) => hook('filter', name, 0, name));
    const chains = hooks.map((h) => chain(h.chain, rule(`in-${h.chain}`, [], accept)));
    const p = program({ hooks, chains });
    expect(ids(run(p, forward()))).toEqual(['in-prerouting', 'in-forward', 'in-postrouting']);
    expect(ids(run(p, { ...forward(), path: 'input' }))).toEqual(['in-prerouting', 'in-input']);
    expect(ids(run(p, { ...forward(), path: 'output' }))).toEqual(['in-output', 'in-postrouting']);
  });

  it('equal priorities keep program order', () => {
    const p = program({
      hooks: [hook('filter', 'forward', 0, 'b'), hook('filter', 'forward', 0, 'a')],
      chains: [chain('a', rule('a', [], accept)), chain('b', rule('b', [], accept))],
    });
    expect(ids(run(p, forward()))).toEqual(['b', 'a']);
  });

  it('reject is a drop', () => {
    expect(run(forwardProgram('accept', chain('fwd', rule('reject', [], { kind: 'reject' }))), forward()).verdict).toBe('drop');
  });
});

describe('run: jump, goto, return', () => {
  it('jump returns to the rule after it; return from a base chain applies the policy', () => {
    const p = forwardProgram(
      'drop',
      chain('fwd', rule('to-sub', [], jump('sub')), rule('after-sub', [{ kind: 'protocol', protocols: [6], negate: false }], ret), rule('never', [], accept)),
      chain('sub', rule('sub-return', [], ret), rule('sub-never', [], drop)),
    );
    const trace = run(p, forward());
    expect(ids(trace)).toEqual(['to-sub', 'sub-return', 'after-sub']);
    expect(trace.verdict).toBe('drop');
    expect(trace.baseChains[0]?.outcome).toBe('policy-drop');
  });

  it('falling off a jumped-to chain returns to the caller', () => {
    const p = forwardProgram('drop', chain('fwd', rule('to-empty', [], jump('empty')), rule('then-accept', [], accept)), chain('empty'));
    expect(ids(run(p, forward()))).toEqual(['to-empty', 'then-accept']);
  });

  it("return from a goto'd chain returns to the caller of the chain that did the goto", () => {
    const p = forwardProgram(
      'drop',
      chain('fwd', rule('to-a', [], jump('a')), rule('back-in-base', [], accept)),
      chain('a', rule('goto-b', [], goto('b')), rule('a-never', [], drop)),
      chain('b', rule('b-return', [], ret)),
    );
    const trace = run(p, forward());
    expect(ids(trace)).toEqual(['to-a', 'goto-b', 'b-return', 'back-in-base']);
    expect(trace.verdict).toBe('accept');
  });

  it('goto from the base chain: the end of the target applies the base policy', () => {
    const p = forwardProgram('drop', chain('fwd', rule('goto-a', [], goto('a')), rule('never', [], accept)), chain('a'));
    const trace = run(p, forward());
    expect(trace.verdict).toBe('drop');
    expect(ids(trace)).toEqual(['goto-a']);
  });

  it('accept deep in a jumped-to chain ends the base chain', () => {
    const p = forwardProgram('drop', chain('fwd', rule('to-a', [], jump('a')), rule('never', [], drop)), chain('a', rule('a-accept', [], accept)));
    const trace = run(p, forward());
    expect(trace.verdict).toBe('accept');
    expect(trace.final).toEqual({ chain: 'a', index: 0 });
  });

  it('a jump, goto or dispatch to a missing chain or map is an error', () => {
    expect(() => run(forwardProgram('accept', chain('fwd', rule('x', [], jump('nowhere')))), forward())).toThrow(/chain "nowhere"/);
    expect(() => new RunEvaluator(forwardProgram('accept', chain('fwd', rule('x', [], goto('nowhere')))))).toThrow(/chain "nowhere"/);
    expect(() => new RunEvaluator(forwardProgram('accept', chain('fwd', rule('x', [], { kind: 'dispatch', on: 'inInterface', map: 'm' }))))).toThrow(/map "m"/);
    expect(() => new RunEvaluator(program({ hooks: [hook('filter', 'forward', 0, 'absent')], chains: [] }))).toThrow(/chain "absent"/);
    const badMap = program({ hooks: [hook('filter', 'forward', 0, 'fwd')], chains: [chain('fwd')], maps: [{ name: 'm', entries: [{ interface: 'cali1', verdict: 'jump', target: 'gone' }], origin: { id: 's:map' } }] });
    expect(() => new RunEvaluator(badMap)).toThrow(/chain "gone"/);
  });

  it('jump loops are an error, through jumps, gotos and maps', () => {
    expect(() => run(forwardProgram('accept', chain('fwd', rule('self', [], jump('fwd')))), forward())).toThrow(/loop fwd -> fwd/);
    expect(() => new RunEvaluator(forwardProgram('accept', chain('fwd', rule('a', [], jump('a'))), chain('a', rule('b', [], goto('b'))), chain('b', rule('back', [], goto('a')))))).toThrow(/loop a -> b -> a/);
    const viaMap = program({
      hooks: [hook('filter', 'forward', 0, 'fwd')],
      chains: [chain('fwd', rule('d', [], { kind: 'dispatch', on: 'inInterface', map: 'm' })), chain('x', rule('back', [], jump('fwd')))],
      maps: [{ name: 'm', entries: [{ interface: 'cali*', verdict: 'goto', target: 'x' }], origin: { id: 's:map' } }],
    });
    expect(() => new RunEvaluator(viaMap)).toThrow(/loop/);
  });

  it(`nesting deeper than ${MAX_CHAIN_DEPTH} chains is an error`, () => {
    const chains = Array.from({ length: MAX_CHAIN_DEPTH + 2 }, (_, i) => chain(`c${i}`, rule(`j${i}`, [], jump(`c${i + 1}`))));
    chains.push(chain(`c${MAX_CHAIN_DEPTH + 2}`));
    expect(() => run(forwardProgram('accept', ...chains), forward())).toThrow(/deeper than 16/);
    const shallow = chains.slice(MAX_CHAIN_DEPTH + 2 - MAX_CHAIN_DEPTH);
    expect(run(forwardProgram('accept', ...shallow), forward()).verdict).toBe('accept');
  });

  it('a statement after a verdict is an error', () => {
    expect(() => new RunEvaluator(forwardProgram('accept', chain('fwd', rule('x', [], accept, setMark(1)))))).toThrow(/after its verdict/);
  });
});

describe('run: dispatch', () => {
  const p = program({
    hooks: [hook('filter', 'forward', 0, 'fwd', 'drop')],
    chains: [
      chain('fwd', rule('from-wl', [], { kind: 'dispatch', on: 'inInterface', map: 'from-wl' }), rule('to-wl', [], { kind: 'dispatch', on: 'outInterface', map: 'to-wl' }), rule('fallthrough', [], drop)),
      chain('fw-cali1', rule('fw-cali1', [], ret)),
      chain('fw-any', rule('fw-any', [], accept)),
      chain('tw-cali2', rule('tw-cali2', [], accept)),
    ],
    maps: [
      { name: 'from-wl', origin: { id: 's:from-wl' }, entries: [{ interface: 'cali1', verdict: 'jump', target: 'fw-cali1' }, { interface: 'cali*', verdict: 'goto', target: 'fw-any' }] },
      { name: 'to-wl', origin: { id: 's:to-wl' }, entries: [{ interface: 'cali2', verdict: 'goto', target: 'tw-cali2' }] },
    ],
  });

  it('an exact entry wins over a wildcard; a jump entry returns to the next rule', () => {
    expect(ids(run(p, forward()))).toEqual(['from-wl', 'fw-cali1', 'to-wl', 'tw-cali2']);
  });

  it('a wildcard entry matches by prefix', () => {
    expect(ids(run(p, forward({ inInterface: 'cali77' })))).toEqual(['from-wl', 'fw-any']);
  });

  it('no entry: the rule does nothing and the next rule runs', () => {
    const trace = run(p, forward({ inInterface: 'eth0', outInterface: 'eth1' }));
    expect(ids(trace)).toEqual(['from-wl', 'to-wl', 'fallthrough']);
    expect(trace.verdict).toBe('drop');
  });

  it('an absent interface (output path has no input interface) finds no entry', () => {
    const trace = run(p, { packet: packet(), path: 'forward', outInterface: 'cali2' });
    expect(ids(trace)).toEqual(['from-wl', 'to-wl', 'tw-cali2']);
  });
});

describe('run: marks, notrack, masquerade', () => {
  it('setMark applies (mark & ~mask) | value; marks persist across hooks', () => {
    const p = program({
      hooks: [hook('mangle', 'prerouting', -150, 'pre'), hook('filter', 'forward', 0, 'fwd', 'drop')],
      chains: [
        chain('pre', rule('set', [], setMark(0x10000, 0x30000))),
        chain('fwd', rule('marked', [{ kind: 'mark', mask: 0x10000, value: 0x10000, negate: false }], accept)),
      ],
    });
    const trace = run(p, forward({ mark: 0x20005 }));
    expect(trace.verdict).toBe('accept');
    expect(trace.marks).toBe(0x10005);
  });

  it('mark matches with negation', () => {
    const p = forwardProgram('drop', chain('fwd', rule('not-pass', [{ kind: 'mark', mask: 0x20000, value: 0x20000, negate: true }], accept)));
    expect(run(p, forward({ mark: 0 })).verdict).toBe('accept');
    expect(run(p, forward({ mark: 0x20000 })).verdict).toBe('drop');
  });

  it('notrack makes the packet untracked for later hooks; nat chains only see new connections', () => {
    const p = program({
      hooks: [hook('raw', 'prerouting', -300, 'raw'), hook('filter', 'forward', 0, 'fwd', 'drop'), hook('nat', 'postrouting', 100, 'nat')],
      chains: [
        chain('raw', rule('notrack-udp', [{ kind: 'protocol', protocols: [17], negate: false }], { kind: 'notrack' }, accept)),
        chain('fwd', rule('untracked', [{ kind: 'ctState', states: ['untracked'], negate: false }], accept), rule('new', [{ kind: 'ctState', states: ['new'], negate: false }], accept)),
        chain('nat', rule('masq', [], { kind: 'masquerade' })),
      ],
    });
    const udp = run(p, forward({ packet: packet({ protocol: 17 }) }));
    expect(ids(udp)).toEqual(['notrack-udp', 'untracked']);
    expect(udp.ctState).toBe('untracked');
    expect(udp.natted).toBeUndefined();
    expect(udp.baseChains.at(-1)?.outcome).toBe('skipped');
    const tcp = run(p, forward());
    expect(ids(tcp)).toEqual(['new', 'masq']);
    expect(tcp.natted).toBe('masquerade');
    expect(tcp.final).toEqual({ chain: 'nat', index: 0 });
    expect(run(p, forward({ ctState: 'established' })).verdict).toBe('drop');
  });

  it('masquerade is terminal for its base chain (accept)', () => {
    const p = program({
      hooks: [hook('nat', 'postrouting', 100, 'nat', 'drop'), hook('filter', 'postrouting', 200, 'after')],
      chains: [chain('nat', rule('masq', [], { kind: 'masquerade' }), rule('never', [], drop)), chain('after', rule('after', [], accept))],
    });
    const trace = run(p, forward());
    expect(trace.verdict).toBe('accept');
    expect(ids(trace)).toEqual(['masq', 'after']);
  });

  it('masquerade outside nat postrouting is an error', () => {
    expect(() => run(forwardProgram('accept', chain('fwd', rule('masq', [], { kind: 'masquerade' }))), forward())).toThrow(/outside nat postrouting/);
  });

  it('log statements are recorded and do not end the chain', () => {
    const p = forwardProgram('drop', chain('fwd', rule('log', [], { kind: 'log', prefix: 'calico-packet' }), rule('ok', [], accept)));
    const trace = run(p, forward());
    expect(trace.logs).toEqual(['calico-packet']);
    expect(ids(trace)).toEqual(['log', 'ok']);
  });

  it('recordMisses records failed rules with matched: false', () => {
    const p = forwardProgram('drop', chain('fwd', rule('udp', [{ kind: 'protocol', protocols: [17], negate: false }], accept), rule('any', [], accept)));
    const trace = new RunEvaluator(p, { recordMisses: true }).run(forward());
    expect(trace.rulesHit.map((hit) => [hit.origin.id, hit.matched])).toEqual([
      ['udp', false],
      ['any', true],
    ]);
  });
});
