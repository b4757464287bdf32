import { Command, CommanderError } from 'commander';
import { EXIT, UserError } from './errors.js';
import { calpolVersion, type Io } from './io.js';

/**
 * One place that turns an argument list into an exit code. Commands print through `io`
 * and return their exit code; a UserError becomes its message and exit 2, any other
 * exception is a calpol bug.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('calpol')
    .description('Compile, lint and explain Calico network policy.')
    .version(calpolVersion(), '-V, --version')
    .showHelpAfterError('(run calpol --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    });

  const setExit = (code: number) => {
    exitCode = code;
  };
  const commands = await import('./commands/index.js');
  for (const register of commands.registrations) register(program, io, setExit);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return handleError(error, io);
  }
}

export function handleError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (through configureOutput).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  if (error instanceof UserError) {
    io.stderr(error.message.endsWith('\n') ? error.message : error.message + '\n');
    return error.exitCode;
  }
  const detail = error instanceof Error ? error.message : String(error);
  io.stderr(
    `calpol: internal error: ${detail}\n` +
      'This is a bug in calpol, not a problem with your input. Please report it with the command line\n' +
      'and the input files that trigger it (set CALPOL_DEBUG=1 to print the stack trace).\n',
  );
  if (io.env.CALPOL_DEBUG && error instanceof Error && error.stack) io.stderr(error.stack + '\n');
  return EXIT.internal;
}
