import { isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar, visit, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Random } from '../../bench/generate/random.js';

/*
 * Seeded mutations of real inputs for the fuzz campaign: structural ones (a value of
 * another type or out of range, a hostile string, a key dropped, misspelt or added, an
 * item repeated, two values swapped) made on the YAML tree, and textual ones (a line
 * removed, repeated or re-indented, a character inserted, the file cut short) made on
 * the text, so that what reaches calpol is sometimes not YAML at all.
 */

/** Strings that try to break out of every syntax calpol writes, or to collide once escaped. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  'x"; drop',
  "x' || all()",
  '-A FORWARD -j ACCEPT',
  '\n-A INPUT -j ACCEPT\n',
  '# comment',
  '} { chain x { accept; }',
  '$(reboot)',
  '`id`',
  '\\',
  '\\"',
  '\r\n',
  '\t',
  '\u0000',
  '%00',
  '%-',
  '%',
  '*',
  'cali+',
  '@set',
  '..',
  '/',
  'a'.repeat(300),
  'é'.repeat(80),
  '\u202eevil',
  '\u200b',
  '😀',
  'ünïcödé',
  'kns.default',
  'projectcalico.org/namespace',
  'global()',
  'all()',
  '!',
  '==',
  '0x10000',
  '-1',
  '65536',
  '1e400',
  'NaN',
  '10.0.0.0/33',
  '::ffff:10.0.0.1',
  '300.1.1.1',
];

const HOSTILE_NUMBERS: readonly number[] = [-1, 0, 1, 0.5, 255, 256, 65535, 65536, 2 ** 31, 2 ** 32, 2 ** 53 + 1, 1e300];

type Mutation = (document: Document, random: Random) => boolean;

interface Slot {
  parent: YAMLMap | YAMLSeq;
  /** The pair holding the value (maps) or the item index (sequences). */
  pair?: Pair;
  index?: number;
}

function slots(document: Document): Slot[] {
  const found: Slot[] = [];
  visit(document, {
    Map(_key, node) {
      for (const pair of node.items) found.push({ parent: node, pair });
    },
    Seq(_key, node) {
      node.items.forEach((_item, index) => found.push({ parent: node, index }));
    },
  });
  return found;
}

function setValue(slot: Slot, value: unknown, document: Document): void {
  const node = document.createNode(value);
  if (slot.pair) slot.pair.value = node;
  else if (slot.index !== undefined) (slot.parent as YAMLSeq).items[slot.index] = node;
}

function replacement(random: Random): unknown {
  switch (random.int(0, 8)) {
    case 0:
      return random.pick(HOSTILE_STRINGS);
    case 1:
      return random.pick(HOSTILE_NUMBERS) * (random.chance(0.2) ? -1 : 1);
    case 2:
      return random.chance(0.5);
    case 3:
      return null;
    case 4:
      return {};
    case 5:
      return [];
    case 6:
      return { a: 1 };
    case 7:
      return [random.pick(HOSTILE_STRINGS), 1];
    default:
      return random.text(random.int(1, 12), 'abcxyz019 -_./:=!&|()\'"');
  }
}

const MUTATIONS: Record<string, Mutation> = {
  replaceValue(document, random) {
    const all = slots(document);
    if (all.length === 0) return false;
    setValue(random.pick(all), replacement(random), document);
    return true;
  },
  /** A scalar kept as text but changed inside: a selector, an address or a name made hostile. */
  editScalar(document, random) {
    const scalars: Scalar[] = [];
    visit(document, { Scalar: (_key, node) => void scalars.push(node) });
    const target = scalars.filter((scalar) => typeof scalar.value === 'string');
    if (target.length === 0) return false;
    const scalar = random.pick(target);
    const text = scalar.value as string;
    const at = random.int(0, text.length);
    const insert = random.chance(0.5) ? random.pick(HOSTILE_STRINGS) : random.text(1, "'\"()!&|=,.:/ \\x");
    scalar.value = text.slice(0, at) + insert + text.slice(at + (random.chance(0.5) ? 1 : 0));
    scalar.type = Scalar.QUOTE_DOUBLE;
    return true;
  },
  deleteKey(document, random) {
    const pairs = slots(document).filter((slot) => slot.pair);
    if (pairs.length === 0) return false;
    const slot = random.pick(pairs);
    (slot.parent as YAMLMap).items = (slot.parent as YAMLMap).items.filter((pair) => pair !== slot.pair);
    return true;
  },
  misspellKey(document, random) {
    const pairs = slots(document).filter((slot) => slot.pair && isScalar(slot.pair.key));
    if (pairs.length === 0) return false;
    const key = (random.pick(pairs).pair as Pair).key as Scalar;
    const text = String(key.value);
    const at = random.int(0, Math.max(0, text.length - 1));
    key.value = text.slice(0, at) + text.slice(at + 1) + (random.chance(0.3) ? 's' : '');
    return true;
  },
  addKey(document, random) {
    const maps: YAMLMap[] = [];
    visit(document, { Map: (_key, node) => void maps.push(node) });
    if (maps.length === 0) return false;
    random.pick(maps).set(random.pick(['selector', 'nets', 'ports', 'protocol', 'action', 'labels', 'order', 'tier', 'x-unknown']), replacement(random));
    return true;
  },
  repeatItem(document, random) {
    const seqs: YAMLSeq[] = [];
    visit(document, { Seq: (_key, node) => void seqs.push(node) });
    const withItems = seqs.filter((seq) => seq.items.length > 0);
    if (withItems.length === 0) return false;
    const seq = random.pick(withItems);
    const item = random.pick(seq.items) as Node;
    seq.items.push(isMap(item) || isSeq(item) || isScalar(item) ? item.clone() : item);
    return true;
  },
  swapValues(document, random) {
    const pairs = slots(document).filter((slot): slot is Slot & { pair: Pair } => slot.pair !== undefined && isPair(slot.pair));
    if (pairs.length < 2) return false;
    const first = random.pick(pairs).pair;
    const second = random.pick(pairs).pair;
    [first.value, second.value] = [second.value, first.value];
    return true;
  },
};

const TEXT_MUTATIONS: Record<string, (text: string, random: Random) => string> = {
  dropLine(text, random) {
    const lines = text.split('\n');
    lines.splice(random.int(0, lines.length - 1), 1);
    return lines.join('\n');
  },
  repeatLine(text, random) {
    const lines = text.split('\n');
    const at = random.int(0, lines.length - 1);
    lines.splice(at, 0, lines[at] as string);
    return lines.join('\n');
  },
  reindentLine(text, random) {
    const lines = text.split('\n');
    const at = random.int(0, lines.length - 1);
    lines[at] = ' '.repeat(random.int(0, 3)) + (lines[at] as string).trimStart();
    return lines.join('\n');
  },
  insertCharacter(text, random) {
    const at = random.int(0, text.length);
    return text.slice(0, at) + random.text(1, ':-[]{}#&*!|>\'"%@`,\t\u0000\ufeff') + text.slice(at);
  },
  cutShort(text, random) {
    return text.slice(0, random.int(0, text.length));
  },
};

export interface Mutated {
  text: string;
  /** The mutations applied, in order (for the report of a failing input). */
  applied: string[];
}

/** One to three mutations of `text`; about one input in eight is also damaged as text. */
export function mutate(text: string, random: Random): Mutated {
  const documents = parseAllDocuments(text);
  // A text the yaml library cannot rewrite is only damaged as text.
  const list = Array.isArray(documents) && documents.every((document) => document.errors.length === 0) ? documents : [];
  const applied: string[] = [];
  const count = random.int(1, 3);
  for (let i = 0; i < count && list.length > 0; i++) {
    const name = random.pick(Object.keys(MUTATIONS));
    if ((MUTATIONS[name] as Mutation)(random.pick(list), random)) applied.push(name);
  }
  let mutated = list.length > 0 ? list.map((document) => document.toString()).join('---\n') : text;
  if (list.length === 0 || random.chance(0.125)) {
    const name = random.pick(Object.keys(TEXT_MUTATIONS));
    mutated = (TEXT_MUTATIONS[name] as (text: string, random: Random) => string)(mutated, random);
    applied.push(name);
  }
  return { text: mutated, applied };
}
