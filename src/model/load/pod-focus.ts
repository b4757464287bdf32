import { parsePrefix, prefixContains, type Prefix } from '../address.js';
import type { Resource } from '../resources.js';
import { loadResources, type LoadOptions, type LoadResult, type LoadSource } from './load.js';

/**
 * What one question about a flow needs of the pods: those it names and those owning one of
 * its addresses. `calpol explain` gives these, and the loader then leaves the other pods of
 * `kind: List` documents unread (most of a cluster dump's bytes).
 */
export interface PodFocus {
  /** Names the flow refers to (a pod's, a host endpoint's...): an item whose text holds one is read. */
  names: readonly string[];
  /** Addresses the flow states itself (an end given as an IP address). */
  addresses: readonly Prefix[];
}

/*
 * Why this is exact for one flow: its verdict depends on the endpoints it names and on
 * every endpoint owning an address of the packet (explain's flowInventory), nothing else
 * of the inventory. An item is left unread only when it is plainly a v1 Pod, none of the
 * names occurs anywhere in its text, and (checked once every other resource is loaded)
 * none of the address-like words in its text overlaps an address of the flow or any
 * address-like value of the resources the flow names. A pod's addresses are words of its
 * text, so every pod that could own a packet address is read. Anything unusual in an item
 * (escapes, a first line that is not `- key: value`, an unexpected line at the top level)
 * makes it read, and an item the fast reader cannot read alone makes the whole input load
 * as without a focus. What is left unread is not checked either: `calpol lint` checks all.
 */
export function loadFocused(sources: readonly LoadSource[], focus: PodFocus, options: LoadOptions = {}): LoadResult & { unread: number } {
  const mentions = new NameFinder(focus.names);
  const loaded = loadResources(sources, { ...options, deferItem: (text, start, end) => !mentions.within(text, start, end) && isPlainPodItem(text, start, end) });
  const deferred = loaded.deferred ?? [];
  delete loaded.deferred;
  if (deferred.length === 0) return { ...loaded, unread: 0 };
  const addresses = [...focus.addresses, ...addressesOfNamed(loaded.resources, focus.names)];
  const byFamily = { 4: addresses.filter((a) => a.version === 4).map(toIPv4Range), 6: addresses.filter((a) => a.version === 6) };
  let unread = 0;
  for (const item of deferred) {
    if (!overlapsWordOf(item.text, item.start, item.end, byFamily)) {
      unread++;
      continue;
    }
    if (!item.load(loaded)) return { ...loadResources(sources, options), unread: 0 };
  }
  return { ...loaded, unread };
}

const KEY = /[A-Za-z0-9_][A-Za-z0-9_.\/+-]*:(?= |\r|\n|$)/y;

/**
 * The item's top-level mapping has `apiVersion: v1` and `kind: Pod`, in the plainest form,
 * and nothing unusual: its first line is `- key: ...`, every other line at its keys'
 * column is `key: ...` with a key of its own, and no line is indented less (comments and
 * blank lines aside). Lines are looked at in place: only the top-level ones are read.
 */
export function isPlainPodItem(text: string, start: number, end: number): boolean {
  const item = text.slice(start, end);
  if (item.includes('\\')) return false;
  let column = 1;
  while (text.charCodeAt(start + column) === 32) column++;
  const seen = new Set<string>();
  let apiVersion: string | undefined;
  let kind: string | undefined;
  for (let line = start; line < end; ) {
    const next = text.indexOf('\n', line);
    const lineEnd = next < 0 || next > end ? end : next;
    const keyAt = line + column;
    // The first line is `- key: ...`; any other is blank, a comment, deeper, or a top-level key.
    let topLevel = line === start;
    if (!topLevel) {
      let at = line;
      while (at < keyAt && text.charCodeAt(at) === 32) at++;
      const c = text.charCodeAt(at);
      const blank = at >= lineEnd || c === 13 || c === 35;
      if (!blank && at < keyAt) return false;
      topLevel = !blank && text.charCodeAt(keyAt) !== 32;
    }
    if (topLevel) {
      KEY.lastIndex = keyAt;
      if (!KEY.test(text) || KEY.lastIndex > lineEnd) return false;
      const key = text.slice(keyAt, KEY.lastIndex - 1);
      if (seen.has(key)) return false;
      seen.add(key);
      if (key === 'apiVersion') apiVersion = valueOf(text.slice(KEY.lastIndex, lineEnd));
      else if (key === 'kind') kind = valueOf(text.slice(KEY.lastIndex, lineEnd));
    }
    line = lineEnd + 1;
  }
  return apiVersion === 'v1' && kind === 'Pod';
}

/** A one-line scalar as written after `key:` (a trailing comment and quotes removed). */
function valueOf(written: string): string {
  const value = written.replace(/\s+#.*$/, '').trim();
  return /^(["'])(.*)\1$/.exec(value)?.[2] ?? value;
}

/**
 * Whether a name occurs in [start, end) of a text. Items are asked about in text order, so
 * each name's next occurrence is remembered: one pass over each text per name, not one
 * search to the end of the file per item.
 */
class NameFinder {
  private text?: string;
  private readonly next: number[];

  constructor(private readonly names: readonly string[]) {
    this.next = names.map(() => -1);
  }

  within(text: string, start: number, end: number): boolean {
    if (text !== this.text) {
      this.text = text;
      this.next.fill(-1);
    }
    return this.names.some((name, index) => {
      let at = this.next[index] as number;
      if (at < start) {
        const found = text.indexOf(name, start);
        at = found < 0 ? Number.POSITIVE_INFINITY : found;
        this.next[index] = at;
      }
      return at + name.length <= end;
    });
  }
}

/*
 * Words that read as an address or a CIDR of a family the flow has: dotted quads, and
 * words with two colons or more (IPv6), each with an optional /length.
 */
const IPV4_WORD = /[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?:\/[0-9]{1,3})?/g;
const IPV6_WORD = /[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(?:\/[0-9]{1,3})?/g;

interface FocusAddresses {
  4: readonly IPv4Range[];
  6: readonly Prefix[];
}

function overlapsWordOf(text: string, start: number, end: number, addresses: FocusAddresses): boolean {
  const item = text.slice(start, end);
  if (addresses[4].length > 0) {
    IPV4_WORD.lastIndex = 0;
    for (let match = IPV4_WORD.exec(item); match; match = IPV4_WORD.exec(item)) {
      if (ipv4WordOverlaps(match[0], addresses[4])) return true;
    }
  }
  if (addresses[6].length > 0) {
    IPV6_WORD.lastIndex = 0;
    for (let match = IPV6_WORD.exec(item); match; match = IPV6_WORD.exec(item)) {
      const word = parsePrefix(match[0]);
      if (word && addresses[6].some((address) => overlaps(word, address))) return true;
    }
  }
  return false;
}

/*
 * IPv4 words are compared as 32-bit numbers, not through parsePrefix: its BigInt
 * arithmetic for the three or four addresses of each of 50 000 pods took 70 ms of an
 * explain. The word is read by parseCidr's rules (four parts of 1-3 digits, each at most
 * 255; an optional /length of 1-3 digits, at most 32): a word they reject is no address.
 */
interface IPv4Range {
  value: number;
  length: number;
}

export function toIPv4Range(prefix: Prefix): IPv4Range {
  return { value: Number(prefix.value), length: prefix.length };
}

export function ipv4WordOverlaps(word: string, wanted: readonly IPv4Range[]): boolean {
  const slash = word.indexOf('/');
  const length = slash < 0 ? 32 : Number(word.slice(slash + 1));
  if (length > 32) return false;
  let value = 0;
  for (const part of (slash < 0 ? word : word.slice(0, slash)).split('.')) {
    const octet = Number(part);
    if (octet > 255) return false;
    value = value * 256 + octet;
  }
  return wanted.some((range) => {
    const common = Math.min(length, range.length);
    // Two prefixes overlap when they agree on the bits both fix (2 ** 32 for none: both 0).
    const shift = 32 - common;
    return Math.floor(value / 2 ** shift) === Math.floor(range.value / 2 ** shift);
  });
}

/** Address-like string values (comma-separated lists split) anywhere in the resources the flow names (by their own or their pod's name). */
function addressesOfNamed(resources: readonly Resource[], names: readonly string[]): Prefix[] {
  const wanted = new Set(names);
  const found: Prefix[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const part of value.split(',')) {
        const prefix = parsePrefix(part.trim());
        if (prefix) found.push(prefix);
      }
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const resource of resources) {
    // A WorkloadEndpoint also answers to its pod's name (explain's namespace/pod).
    const names = [resource.metadata.name, ...(resource.kind === 'WorkloadEndpoint' ? [resource.spec.pod, resource.spec.workload] : [])];
    if (names.some((name) => name !== undefined && wanted.has(name))) visit({ ...resource, span: undefined, spans: undefined });
  }
  return found;
}

/** One prefix holds the other (only the shorter can hold the longer). */
function overlaps(a: Prefix, b: Prefix): boolean {
  return a.length <= b.length ? prefixContains(a, b) : prefixContains(b, a);
}
