/**
 * Interface-name OR-lists. An IR name ending in `*` matches every interface with that
 * prefix (iptables writes it `+`). Normalised lists hold no name that another covers,
 * so at most one alternative matches a packet.
 */

/**
 * What iptables accepts for an interface: at most IFNAMSIZ - 1 = 15 characters including
 * a wildcard's `+`, no `+` otherwise, nothing the restore syntax gives meaning to.
 */
const NAME = /^[A-Za-z0-9_.@:-]{1,15}$/;
const PREFIX = /^[A-Za-z0-9_.@:-]{0,14}$/;

export function assertInterfaceName(name: string): string {
  const ok = name.endsWith('*') ? PREFIX.test(name.slice(0, -1)) : NAME.test(name);
  if (!ok) throw new Error(`iptables: interface name ${JSON.stringify(name)} cannot be written (1-15 of [A-Za-z0-9_.@:-], or ≤ 14 of them and *)`);
  return name;
}

/** Whether every interface `inner` matches is matched by `outer`. */
export function interfaceCovers(outer: string, inner: string): boolean {
  if (!outer.endsWith('*')) return outer === inner;
  return inner.startsWith(outer.slice(0, -1));
}

export function disjointInterfaces(names: readonly string[]): string[] {
  const unique = [...new Set(names)].sort();
  return unique.filter((name) => !unique.some((other) => other !== name && interfaceCovers(other, name)));
}

export function intersectInterfaces(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  for (const x of a) {
    for (const y of b) {
      if (interfaceCovers(x, y)) out.push(y);
      else if (interfaceCovers(y, x)) out.push(x);
    }
  }
  return disjointInterfaces(out);
}

export const interfaceToIptables = (name: string): string => (name.endsWith('*') ? `${name.slice(0, -1)}+` : name);
export const interfaceFromIptables = (name: string): string => (name.endsWith('+') ? `${name.slice(0, -1)}*` : name);
