import type { Chain, Hook, Program, SetType, TableKind } from '../../ir/index.js';
import { ruleFamily } from './family.js';
import { emitIpsets } from './ipsets.js';
import { builtinChain, TABLES, topChainName } from './names.js';
import { quote, renderRule } from './render.js';

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
  /** Per `<table> <chain>`, the lines of its rules of both families, by rule index. */
  sharedLines: Map<string, string[]>;
}

function tableText(context: EmitContext, table: TableKind, names: readonly string[], version: 4 | 6): string[] {
  const { program, chains, sets } = context;
  const hooks = program.hooks.filter((h) => h.table === table);
  const lines = [`*${table}`];
  // Loops, not push(...array): a whole-cluster ruleset has hundreds of thousands of lines,
  // more than a call's argument list can hold.
  for (const h of hooks) lines.push(`:${topChainName(h.table, h.hook)} - [0:0]`);
  for (const name of names) lines.push(`:${name} - [0:0]`);
  for (const line of hooks.flatMap(topChainLines)) lines.push(line);
  for (const name of names) {
    const rules = chains.get(name)?.rules ?? [];
    // A rule of both families is the same line in both files (only REJECT names its family): render it once.
    const key = `${table} ${name}`;
    const shared = context.sharedLines.get(key) ?? [];
    context.sharedLines.set(key, shared);
    rules.forEach((rule, index) => {
      const family = ruleFamily(rule, sets);
      if (family === (version === 4 ? 6 : 4)) return;
      const reusable = family === 'both' && rule.actions[0]?.kind !== 'reject';
      let line = reusable ? shared[index] : undefined;
      if (line === undefined) line = renderRule(rule, { chain: name, table, version });
      if (reusable) shared[index] = line;
      lines.push(line);
    });
  }
  lines.push('COMMIT');
  return lines;
}

function restoreText(context: EmitContext, version: 4 | 6): string {
  const command = version === 4 ? 'iptables-restore' : 'ip6tables-restore';
  const lines = [
    `# calpol: IPv${version} rules. Load after the ipsets with \`${command} --noflush\`, then run the attach script (docs/iptables.md).`,
  ];
  for (const [table, names] of context.byTable) for (const line of tableText(context, table, names, version)) lines.push(line);
  return `${lines.join('\n')}\n`;
}

const SCRIPT_HEAD = [
  '#!/bin/sh',
  '# calpol: IPTABLES / IP6TABLES choose the variant (e.g. iptables-nft, iptables-legacy).',
  'set -eu',
  'ipt4="${IPTABLES:-iptables}"',
  'ipt6="${IP6TABLES:-ip6tables}"',
];

function attachScript(program: Program): string {
  const lines = [
    ...SCRIPT_HEAD,
    '# Inserts the jump from a built-in chain to calpol\'s chain unless it is already there.',
    'attach() {',
    `  "$1" -w -t "$2" -C "$3" -m comment --comment ${ATTACH_COMMENT} -j "$4" 2>/dev/null ||`,
    `    "$1" -w -t "$2" -I "$3" 1 -m comment --comment ${ATTACH_COMMENT} -j "$4"`,
    '}',
  ];
  for (const ipt of ['"$ipt4"', '"$ipt6"']) {
    for (const hook of program.hooks) lines.push(`attach ${ipt} ${hook.table} ${builtinChain(hook.table, hook.hook)} ${topChainName(hook.table, hook.hook)}`);
  }
  return `${lines.join('\n')}\n`;
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

function detachScript(program: Program, byTable: ReadonlyMap<TableKind, string[]>): string {
  const lines = [...SCRIPT_HEAD, '# calpol: removes what the attach script and the restore files added (the jumps, the chains, the sets).', ...DETACH_FUNCTIONS];
  for (const ipt of ['"$ipt4"', '"$ipt6"']) {
    for (const hook of program.hooks) lines.push(`detach ${ipt} ${hook.table} ${builtinChain(hook.table, hook.hook)} ${topChainName(hook.table, hook.hook)}`);
    for (const [table, names] of byTable) {
      const tops = program.hooks.filter((h) => h.table === table).map((h) => topChainName(h.table, h.hook));
      lines.push(`remove ${ipt} ${table} ${[...tops, ...names].join(' ')}`);
    }
  }
  for (const s of program.sets) lines.push(`ipset destroy ${s.name} 2>/dev/null || true`);
  return `${lines.join('\n')}\n`;
}

/** The files for a LOWERED program (lowerForIptables); throws on anything not flat. */
export function emitIptables(program: Program): IptablesOutput {
  if (program.maps.length > 0) throw new Error('iptables: interface maps must be lowered first (lowerForIptables)');
  const context: EmitContext = {
    program,
    chains: new Map(program.chains.map((c) => [c.name, c])),
    sets: new Map(program.sets.map((s) => [s.name, s.type])),
    byTable: chainsByTable(program),
    sharedLines: new Map(),
  };
  return {
    iptables: restoreText(context, 4),
    ip6tables: restoreText(context, 6),
    ipsets: emitIpsets(program.sets),
    attach: attachScript(program),
    detach: detachScript(program, context.byTable),
  };
}
