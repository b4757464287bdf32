import { describe, expect, it } from 'vitest';
import { emitNft, emitNftCommands, formatNftJson, formatNftText, nftJsonChunks, nftTextChunks } from '../../../src/emit/nft/index.js';
import type { Program } from '../../../src/ir/index.js';
import { emptyHookProgram, everythingProgram } from './programs.js';

/**
 * The streamed forms: chunks that, joined, are the whole document, with no chunk holding
 * more than one command (JSON) or one rule line (text), and every refusal raised before
 * the first chunk. Byte-identity with the earlier single-string output is checked against
 * the goldens in test/cli/compile-stream.test.ts.
 */

const noChains: Program = { hooks: [], chains: [], sets: [], maps: [] };

describe('nftJsonChunks', () => {
  it('yields one command per chunk, in document order', () => {
    const program = everythingProgram();
    const commands = emitNft(program).nftables;
    const chunks = Array.from(nftJsonChunks(emitNftCommands(program)));
    expect(chunks).toHaveLength(commands.length + 1);
    expect(chunks[0]?.startsWith('{"nftables": [\n')).toBe(true);
    chunks.slice(0, -1).forEach((chunk, index) => {
      expect(chunk.replace(/^(\{"nftables": \[|,)\n/, '')).not.toContain('\n');
      expect(JSON.parse(chunk.replace(/^(\{"nftables": \[|,)\n/, ''))).toEqual(commands[index]);
    });
    expect(chunks.at(-1)).toBe('\n]}\n');
  });

  it('joined, is the one-command-per-line document', () => {
    const program = everythingProgram();
    const document = emitNft(program);
    const joined = Array.from(nftJsonChunks(emitNftCommands(program))).join('');
    expect(joined).toBe(formatNftJson(document));
    const lines = joined.split('\n');
    expect(lines).toHaveLength(document.nftables.length + 3);
    expect(JSON.parse(joined)).toEqual(document);
    expect(formatNftJson({ nftables: [] })).toBe('{"nftables": [\n\n]}\n');
  });

  it('refuses a broken program when asked for the commands, before any chunk', () => {
    const twice: Program = { ...emptyHookProgram(), chains: [...emptyHookProgram().chains, ...emptyHookProgram().chains] };
    expect(() => emitNftCommands(twice)).toThrow(/defined twice/);
  });

  it('lowers lazily: nothing past the chunks read is lowered', () => {
    const program = everythingProgram();
    const broken = structuredClone(program);
    const last = broken.chains.at(-1) as Program['chains'][number];
    last.rules.push({ matches: [], actions: [], origin: { id: 's:test:empty' } });
    const chunks = nftJsonChunks(emitNftCommands(broken));
    expect(chunks.next().done).toBe(false);
    expect(() => Array.from(chunks)).toThrow(/neither matches nor actions/);
  });
});

describe('nftTextChunks', () => {
  it('joined, is formatNftText; rule lines are chunks of their own', () => {
    const program = everythingProgram();
    const chunks = Array.from(nftTextChunks(program));
    expect(chunks.join('')).toBe(formatNftText(program));
    const ruleCount = program.chains.reduce((sum, chain) => sum + chain.rules.length, 0);
    expect(chunks.filter((chunk) => / comment "[^"]*"\n$/.test(chunk) && chunk.startsWith('\t\t') && chunk.split('\n').length === 2)).toHaveLength(ruleCount);
  });

  it('keeps the layout of an empty table', () => {
    expect(formatNftText(noChains).split('\n').slice(-4)).toEqual(['table inet calpol {', '', '}', '']);
  });

  it('refuses names nft text cannot hold when asked for the chunks, before any chunk', () => {
    const named: Program = { ...noChains, hooks: [{ table: 'filter', hook: 'forward', priority: 0, chain: 'tcp', policy: 'accept' }], chains: [{ name: 'tcp', rules: [] }] };
    expect(() => nftTextChunks(named)).toThrow(/cannot be written in nft text syntax/);
  });
});
