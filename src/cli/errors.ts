/**
 * A problem with what the user asked for or gave us (bad flag, unreadable file): the
 * message is printed as is, without a stack trace, and the process exits with `exitCode`.
 * Anything else that escapes a command is a bug in calpol ("internal error", exit 70).
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  internal: 70,
} as const;
