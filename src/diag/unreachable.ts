/**
 * The end of a switch over a closed union (resource kinds, IR rule tags): the type checker
 * proves every case is handled, so a new member added to the union fails the build at
 * each switch that forgot it. Reaching it at run time is a bug.
 */
export function unreachable(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
