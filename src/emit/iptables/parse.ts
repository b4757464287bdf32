import type { Action, CtState, Match } from '../../ir/index.js';
import { canonicalCidr, mustParseCidr } from './cidr.js';
import { interfaceFromIptables } from './interfaces.js';
import { parseRanges } from './ports.js';
import { PROTOCOL_NAMES } from './render.js';

/**
 * Reads one `-A` line of calpol's own iptables-restore output back into a flat IR rule
 * (matches in the order written, at most one action, the comment). It reads what
 * render.ts writes, which is also what iptables-save prints for it.
 */

export interface ParsedRule {
  chain: string;
  matches: Match[];
  action?: Action;
  comment?: string;
}

/** Splits a restore line into words; `"…"` is one word (with `\"` and `\\` escapes). */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ' || line[i] === '\t') {
      i++;
      continue;
    }
    let word = '';
    if (line[i] === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        word += line[i++];
      }
      if (line[i] !== '"') throw new Error(`iptables: unterminated quote in ${JSON.stringify(line)}`);
      i++;
    } else {
      while (i < line.length && line[i] !== ' ' && line[i] !== '\t') word += line[i++];
    }
    words.push(word);
  }
  return words;
}

const PROTOCOL_NUMBERS = new Map(Object.entries(PROTOCOL_NAMES).map(([number, name]) => [name, Number(number)]));
const CT_STATES: readonly CtState[] = ['new', 'established', 'related', 'invalid', 'untracked'];

class Words {
  private index = 0;
  constructor(private readonly words: readonly string[], private readonly line: string) {}
  get done(): boolean {
    return this.index >= this.words.length;
  }
  next(): string {
    const word = this.words[this.index++];
    if (word === undefined) throw this.error('ends too early');
    return word;
  }
  /** The next word, which must be `expected` (after an optional `!`, reported). */
  expect(expected: string): boolean {
    let negate = false;
    let word = this.next();
    if (word === '!') [negate, word] = [true, this.next()];
    if (word !== expected) throw this.error(`expected ${expected}, found ${word}`);
    return negate;
  }
  error(message: string): Error {
    return new Error(`iptables: cannot read ${JSON.stringify(this.line)}: ${message}`);
  }
}

function parseProtocol(word: string, words: Words): number {
  const number = PROTOCOL_NUMBERS.get(word) ?? (/^\d{1,3}$/.test(word) ? Number(word) : NaN);
  if (!(number >= 1 && number <= 255)) throw words.error(`unknown protocol ${word}`);
  return number;
}

function parseHex(word: string, words: Words): number {
  if (!/^0x[0-9a-f]{1,8}$/.test(word)) throw words.error(`expected a hex number, found ${word}`);
  return parseInt(word, 16) >>> 0;
}

function parseIcmp(version: 4 | 6, word: string, negate: boolean, words: Words): Match {
  const match = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(word);
  if (!match) throw words.error(`bad ICMP type ${word}`);
  const type = Number(match[1]);
  return match[2] === undefined ? { kind: 'icmp', version, type, negate } : { kind: 'icmp', version, type, code: Number(match[2]), negate };
}

/** One `-m <module> …` clause. */
function parseModule(module: string, words: Words, into: ParsedRule): void {
  switch (module) {
    case 'comment':
      words.expect('--comment');
      into.comment = words.next();
      return;
    case 'conntrack': {
      const negate = words.expect('--ctstate');
      const states = words.next().split(',').map((s) => s.toLowerCase() as CtState);
      if (!states.every((s) => CT_STATES.includes(s))) throw words.error('unknown conntrack state');
      into.matches.push({ kind: 'ctState', states, negate });
      return;
    }
    case 'mark': {
      const negate = words.expect('--mark');
      const [value, mask] = words.next().split('/');
      into.matches.push({ kind: 'mark', value: parseHex(value ?? '', words), mask: mask === undefined ? 0xffffffff : parseHex(mask, words), negate });
      return;
    }
    case 'set': {
      const negate = words.expect('--match-set');
      const set = words.next();
      const direction = words.next();
      const kind = ({ src: 'sourceSet', dst: 'destinationSet', 'src,src': 'sourceNamedPort', 'dst,dst': 'destinationNamedPort' } as const)[
        direction as 'src'
      ];
      if (!kind) throw words.error(`unknown set direction ${direction}`);
      into.matches.push({ kind, set, negate });
      return;
    }
    case 'multiport': {
      let negate = false;
      let option = words.next();
      if (option === '!') [negate, option] = [true, words.next()];
      const kind = option === '--sports' ? 'sourcePort' : option === '--dports' ? 'destinationPort' : undefined;
      const ranges = parseRanges(words.next());
      if (!kind || !ranges) throw words.error('bad multiport clause');
      into.matches.push({ kind, ranges, negate });
      return;
    }
    case 'icmp':
    case 'icmp6': {
      const negate = words.expect(module === 'icmp' ? '--icmp-type' : '--icmpv6-type');
      into.matches.push(parseIcmp(module === 'icmp' ? 4 : 6, words.next(), negate, words));
      return;
    }
    default:
      throw words.error(`unknown match module ${module}`);
  }
}

function parseTarget(target: string, words: Words): Action {
  const simple: Record<string, Action> = {
    ACCEPT: { kind: 'accept' },
    DROP: { kind: 'drop' },
    RETURN: { kind: 'return' },
    MASQUERADE: { kind: 'masquerade' },
  };
  if (simple[target]) return simple[target];
  if (target === 'REJECT') {
    words.expect('--reject-with');
    const with_ = words.next();
    if (with_ !== 'icmp-port-unreachable' && with_ !== 'icmp6-port-unreachable') throw words.error(`unexpected reject type ${with_}`);
    return { kind: 'reject' };
  }
  if (target === 'MARK') {
    words.expect('--set-xmark');
    const [value, mask] = words.next().split('/');
    return { kind: 'setMark', value: parseHex(value ?? '', words), mask: parseHex(mask ?? '', words) };
  }
  if (target === 'LOG') {
    if (words.done) return { kind: 'log', prefix: '' };
    words.expect('--log-prefix');
    return { kind: 'log', prefix: words.next() };
  }
  if (target === 'CT') {
    words.expect('--notrack');
    return { kind: 'notrack' };
  }
  return { kind: 'jump', target };
}

function addressMatch(kind: 'sourceNet' | 'destinationNet', word: string, negate: boolean): Match {
  const cidr = mustParseCidr(word);
  return { kind, version: cidr.version, nets: [canonicalCidr(word)], negate };
}

/** Parses the words of an `-A chain …` line. */
export function parseRuleLine(line: string): ParsedRule {
  const all = tokenize(line);
  if (all[0] !== '-A' || all[1] === undefined) throw new Error(`iptables: expected an -A line: ${JSON.stringify(line)}`);
  const words = new Words(all.slice(2), line);
  const rule: ParsedRule = { chain: all[1], matches: [] };
  let negate = false;
  while (!words.done) {
    const word = words.next();
    if (word === '!') {
      negate = true;
      continue;
    }
    if (rule.action) throw words.error('words after the target');
    if (word === '-s' || word === '-d') rule.matches.push(addressMatch(word === '-s' ? 'sourceNet' : 'destinationNet', words.next(), negate));
    else if (word === '-i' || word === '-o') {
      rule.matches.push({ kind: word === '-i' ? 'inInterface' : 'outInterface', names: [interfaceFromIptables(words.next())], negate });
    } else if (word === '-p') rule.matches.push({ kind: 'protocol', protocols: [parseProtocol(words.next(), words)], negate });
    else if (word === '-m') parseModule(words.next(), words, rule);
    else if (word === '-j') rule.action = parseTarget(words.next(), words);
    else if (word === '-g') rule.action = { kind: 'goto', target: words.next() };
    else throw words.error(`unexpected ${word}`);
    negate = false;
  }
  return rule;
}
