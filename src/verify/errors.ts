/**
 * The one error type of the lab. Every failure a user can meet (not root, a tool
 * missing, an `ip` command refused, a bad topology) becomes a LabError with a stable
 * `code` and a message meant to be printed as it is, without a stack trace.
 */
export type LabErrorCode =
  | 'invalid-topology'
  | 'not-root'
  | 'tool-missing'
  | 'ipv6-unavailable'
  | 'command-failed'
  | 'agent-failed'
  | 'not-in-lab'
  | 'lab-closed'
  /** A verify target's tools or kernel support are missing. */
  | 'target-unavailable'
  /** The kernel refused to load an emitted ruleset (a calpol bug: the emitters must produce loadable output). */
  | 'ruleset-refused';

export class LabError extends Error {
  override readonly name = 'LabError';

  constructor(
    readonly code: LabErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The message of anything thrown, for reports that must not carry stack traces. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
