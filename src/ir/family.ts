import type { Match, SetType } from './types.js';

/** The IP family of a set type. */
export function setTypeFamily(type: SetType): 4 | 6 {
  return type.startsWith('ipv4') ? 4 : 6;
}

/**
 * The IP family one match restricts packets to, negated or not (addresses, sets of
 * addresses and ICMP types only exist in one family), or undefined for family-free matches.
 * `setType` tells the type of a named set (undefined when unknown).
 */
export function matchFamily(match: Match, setType: (name: string) => SetType | undefined): 4 | 6 | undefined {
  switch (match.kind) {
    case 'family':
    case 'sourceNet':
    case 'destinationNet':
    case 'icmp':
      return match.version;
    case 'sourceSet':
    case 'destinationSet':
    case 'sourceNamedPort':
    case 'destinationNamedPort': {
      const type = setType(match.set);
      return type === undefined ? undefined : setTypeFamily(type);
    }
    default:
      return undefined;
  }
}
