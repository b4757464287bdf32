import type { Chain, Hook, Program, Rule, SetType, TableKind } from '../../ir/index.js';
import { ruleFamily } from './family.js';
import { checkIpsets, ipsetLines } from './ipsets.js';
import { builtinChain, TABLES, topChainName } from './names.js';
import { quote, renderRuleBody, type RenderPlace } from './render.js';

/**
 * Lowered IR → iptables-restore text for IPv4 and IPv6, the ipset restore text, and two
 * shell scripts that hang calpol's chains under the built-in chains and take them away.
 *
 * Reload without duplicates. In `iptables-restore --noflush`, declaring a user chain
 * (`:name - [0:0]`) flushes it when it exists (checked on iptables-nft and -legacy), and a
 * table's lines are committed atomically: every chain calpol owns is therefore REPLACED
 * by a reload. A jump from a built-in chain cannot be: the built-in chain is someone
 * else's and is not flushed; `-A`/`-I` always add one rule and `-D` always removes one
 * (or fails the whole load), so no fixed restore text leaves exactly one jump after both a
 * first load and a reload. Hence each built-in chain calpol uses gets ONE calpol-owned
 * chain, `calpol-<BUILTIN>` (in the restore text, replaced on reload), holding the jumps to
 * the IR hook chains and the hook policy (a final DROP for policy drop); the single jump
 * `<BUILTIN> → calpol-<BUILTIN>` is added by the `attach` script only when `-C` does not
 * find it (as kube-proxy does for its own jumps). Falling off a hook chain with policy
 * accept returns to the built-in chain: the host's other rules and the built-in policy
 * still apply (an explicit accept ends the built-in chain, as ACCEPT does).
 */

export interface IptablesOutput {
  /** `iptables-restore --noflush` input (IPv4 rules and rules of both families). */
  iptables: string;
  /** `ip6tables-restore --noflush` input. */
  ip6tables: string;
  /** `ipset restore` input (sets of both families). */
  ipsets: string;
  /** sh script: inserts each `<BUILTIN> -j calpol-<BUILTIN>` jump unless it is there. */
  attach: string;
  /** sh script: removes those jumps, then calpol's chains and sets. */
  detach: string;
}

/** Comment of a top chain's jump to a hook chain (`calpol-hook:priority=0`) and of its policy rule. */
export const HOOK_COMMENT = 'calpol-hook:priority=';
export const POLICY_DROP_COMMENT = 'calpol-hook:policy=drop';
/** Comment on the jump from a built-in chain. */
export const ATTACH_COMMENT = 'calpol';

/** For each table, the chains reachable from its hooks (a chain can be in several tables). */
export function chainsByTable(program: Program): Map<TableKind, string[]> {
  const rules = new Map(program.chains.map((c) => [c.name, c.rules]));
  const out = new Map<TableKind, string[]>();
  const placed = new Set<string>();
  for (const table of TABLES) {
    const reached = new Set<string>();
    const queue = program.hooks.filter((h) => h.table === table).map((h) => h.chain);
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (reached.has(name) || !rules.has(name)) continue;
      reached.add(name);
      for (const rule of rules.get(name) ?? []) {
        for (const action of rule.actions) if (action.kind === 'jump' || action.kind === 'goto') queue.push(action.target);
      }
    }
    reached.forEach((name) => placed.add(name));
    if (reached.size > 0) out.set(table, [...reached]);
  }
  // Chains no hook reaches (lowerForIptables drops them) are kept in filter.
  const unplaced = program.chains.map((c) => c.name).filter((name) => !placed.has(name));
  if (unplaced.length > 0) out.set('filter', [...(out.get('filter') ?? []), ...unplaced]);
  for (const [table, names] of out) out.set(table, names.sort());
  return new Map(TABLES.filter((t) => out.has(t)).map((t) => [t, out.get(t) as string[]]));
}

function topChainLines(hook: Hook): string[] {
  const top = topChainName(hook.table, hook.hook);
  const lines = [`-A ${top} -m comment --comment ${quote(`${HOOK_COMMENT}${hook.priority}`)} -j ${hook.chain}`];
  if (hook.policy === 'drop') lines.push(`-A ${top} -m comment --comment ${quote(POLICY_DROP_COMMENT)} -j DROP`);
  return lines;
}

/** What every table's text reads: the chains by name, the set types, the chains each table holds. */
interface EmitContext {
  program: Program;
  chains: ReadonlyMap<string, Chain>;
  sets: ReadonlyMap<string, SetType>;
  byTable: ReadonlyMap<TableKind, string[]>;
  /** Per table, the rendered body of each shared (frozen) rule met so far (see ruleBody). */
  bodies: Map<TableKind, Map<Rule, string>>;
}

/*
 * A rule's line is `-A <chain> ` + a body that depends only on the rule, the table (which
 * actions it allows) and, for REJECT only, the file's family. The IR shares (and freezes)
 * the rules of endpoint chains, and the lowering keeps them shared: each appears in many
 * endpoint chains (and in both files). Their bodies are rendered once
 * for both files; the other rules are rendered where they are written, so that nothing
 * keeps a line per rule alive between the IPv4 and the IPv6 file.
 */
function ruleBody(context: EmitContext, rule: Rule, place: RenderPlace): string {
  if (!Object.isFrozen(rule) || rule.actions[0]?.kind === 'reject') return renderRuleBody(rule, place);
  let bodies = context.bodies.get(place.table);
  if (!bodies) context.bodies.set(place.table, (bodies = new Map()));
  let body = bodies.get(rule);
  if (body === undefined) bodies.set(rule, (body = renderRuleBody(rule, place)));
  return body;
}

/** One table of a restore file, a line (with its newline) per chunk. */
function* tableLines(context: EmitContext, table: TableKind, names: readonly string[], version: 4 | 6): Generator<string> {
  const { program, chains, sets } = context;
  const hooks = program.hooks.filter((h) => h.table === table);
  yield `*${table}\n`;
  for (const h of hooks) yield `:${topChainName(h.table, h.hook)} - [0:0]\n`;
  for (const name of names) yield `:${name} - [0:0]\n`;
  for (const line of hooks.flatMap(topChainLines)) yield `${line}\n`;
  const other = version === 4 ? 6 : 4;
  for (const name of names) {
    const place: RenderPlace = { chain: name, table, version };
    for (const rule of chains.get(name)?.rules ?? []) {
      if (ruleFamily(rule, sets) !== other) yield `-A ${name} ${ruleBody(context, rule, place)}\n`;
    }
  }
  yield 'COMMIT\n';
}

function* restoreLines(context: EmitContext, version: 4 | 6): Generator<string> {
  const command = version === 4 ? 'iptables-restore' : 'ip6tables-restore';
  yield `# calpol: IPv${version} rules. Load after the ipsets with \`${command} --noflush\`, then run the attach script (docs/iptables.md).\n`;
  for (const [table, names] of context.byTable) yield* tableLines(context, table, names, version);
}

const SCRIPT_HEAD = [
  '#!/bin/sh',
  '# calpol: IPTABLES / IP6TABLES choose the variant (e.g. iptables-nft, iptables-legacy).',
  'set -eu',
  'ipt4="${IPTABLES:-iptables}"',
  'ipt6="${IP6TABLES:-ip6tables}"',
];

function* attachLines(program: Program): Generator<string> {
  yield* SCRIPT_HEAD;
  yield '# Inserts the jump from a built-in chain to calpol\'s chain unless it is already there.';
  yield 'attach() {';
  yield `  "$1" -w -t "$2" -C "$3" -m comment --comment ${ATTACH_COMMENT} -j "$4" 2>/dev/null ||`;
  yield `    "$1" -w -t "$2" -I "$3" 1 -m comment --comment ${ATTACH_COMMENT} -j "$4"`;
  yield '}';
  for (const ipt of ['"$ipt4"', '"$ipt6"']) {
    for (const hook of program.hooks) yield `attach ${ipt} ${hook.table} ${builtinChain(hook.table, hook.hook)} ${topChainName(hook.table, hook.hook)}`;
  }
}

/** Removes the jumps, then (in one restore per table) flushes and deletes the calpol chains that exist, then the sets. */
const DETACH_FUNCTIONS = [
  'detach() {',
  `  while "$1" -w -t "$2" -D "$3" -m comment --comment ${ATTACH_COMMENT} -j "$4" 2>/dev/null; do :; done`,
  '}',
  'remove() {',
  '  ipt=$1 table=$2',
  '  shift 2',
  '  existing=" $("$ipt-save" -t "$table" 2>/dev/null | sed -n \'s/^:\\([^ ]*\\) .*/\\1/p\' | tr \'\\n\' \' \') "',
  '  flush="" delete=""',
  '  for chain in "$@"; do',
  '    case "$existing" in *" $chain "*) flush="$flush-F $chain',
  '" delete="$delete-X $chain',
  '" ;; esac',
  '  done',
  '  [ -n "$flush" ] || return 0',
  '  printf \'*%s\\n%s%sCOMMIT\\n\' "$table" "$flush" "$delete" | "$ipt-restore" --noflush',
  '}',
];

/** The longest line: one table's chain names (some megabytes for a whole cluster, still one chunk). */
function* detachLines(program: Program, byTable: ReadonlyMap<TableKind, string[]>): Generator<string> {
  yield* SCRIPT_HEAD;
  yield '# calpol: removes what the attach script and the restore files added (the jumps, the chains, the sets).';
  yield* DETACH_FUNCTIONS;
  for (const ipt of ['"$ipt4"', '"$ipt6"']) {
    for (const hook of program.hooks) yield `detach ${ipt} ${hook.table} ${builtinChain(hook.table, hook.hook)} ${topChainName(hook.table, hook.hook)}`;
    for (const [table, names] of byTable) {
      const tops = program.hooks.filter((h) => h.table === table).map((h) => topChainName(h.table, h.hook));
      yield `remove ${ipt} ${table} ${[...tops, ...names].join(' ')}`;
    }
  }
  for (const s of program.sets) yield `ipset destroy ${s.name} 2>/dev/null || true`;
}

/** The files of a LOWERED program, each as chunks of one line each (with its newline). */
export interface IptablesChunks {
  iptables: Iterable<string>;
  ip6tables: Iterable<string>;
  ipsets: Iterable<string>;
  attach: Iterable<string>;
  detach: Iterable<string>;
}

/** Each iteration renders the file anew (the chunks are produced while they are written, never kept). */
const rendered = (lines: () => Iterator<string>): Iterable<string> => ({ [Symbol.iterator]: lines });

function* withNewlines(lines: Iterable<string>): Generator<string> {
  for (const line of lines) yield `${line}\n`;
}

/**
 * The files of a LOWERED program (lowerForIptables) as chunks: a whole-cluster ruleset is
 * larger than V8's longest string (about 512 MiB), and even below that, one string per
 * file (and the lines it is joined from) is what held the memory. The program's shape and
 * its sets are checked now; a rule that is not flat throws when its line is rendered.
 */
export function iptablesChunks(program: Program): IptablesChunks {
  if (program.maps.length > 0) throw new Error('iptables: interface maps must be lowered first (lowerForIptables)');
  checkIpsets(program.sets);
  const context: EmitContext = {
    program,
    chains: new Map(program.chains.map((c) => [c.name, c])),
    sets: new Map(program.sets.map((s) => [s.name, s.type])),
    byTable: chainsByTable(program),
    bodies: new Map(),
  };
  return {
    iptables: rendered(() => restoreLines(context, 4)),
    ip6tables: rendered(() => restoreLines(context, 6)),
    ipsets: rendered(() => withNewlines(ipsetLines(program.sets))),
    attach: rendered(() => withNewlines(attachLines(program))),
    detach: rendered(() => withNewlines(detachLines(program, context.byTable))),
  };
}

/** The files as whole strings: the chunks of iptablesChunks joined (tests, diff, verify, explain --via). */
export function emitIptables(program: Program): IptablesOutput {
  const chunks = iptablesChunks(program);
  const join = (file: Iterable<string>) => Array.from(file).join('');
  return {
    iptables: join(chunks.iptables),
    ip6tables: join(chunks.ip6tables),
    ipsets: join(chunks.ipsets),
    attach: join(chunks.attach),
    detach: join(chunks.detach),
  };
}
