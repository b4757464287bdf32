import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { decidingFact, RuleLookup } from '../../explain/index.js';
import {
  cellFlow,
  cellPolicy,
  cellTrace,
  defaultProbes,
  DEFAULT_PORT_LIMIT,
  matrixVerdicts,
  parseProbes,
  renderCsv,
  renderHtml,
  renderJson,
  renderMarkdown,
  renderText,
  type CellNote,
  type CellNotes,
  type MatrixCell,
  type MatrixResult,
  type Probe,
} from '../../matrix/index.js';
import { formatSelectorError, parseSelector, type Selector } from '../../selector/index.js';
import type { PolicySet } from '../../model/index.js';
import { EXIT, UserError } from '../errors.js';
import { useColor, type Io } from '../io.js';
import { loadValidModel, modelOptionsFromFlags, planFromFlags, type PlanFlags } from '../model.js';
import { oneOf } from './options.js';
import { addPlanOptions } from './plan-options.js';

const FORMATS = ['text', 'md', 'csv', 'json', 'html'] as const;
type MatrixFormat = (typeof FORMATS)[number];

interface MatrixFlags extends PlanFlags {
  from?: string;
  to?: string;
  port?: Probe[];
  ipVersion?: '4' | '6';
  format: MatrixFormat;
  output?: string;
  endpointToHostAction: 'drop' | 'accept' | 'return';
  allowUnsupported?: boolean;
}

function probeList(value: string): Probe[] {
  const parsed = parseProbes(value);
  if (!parsed.ok) throw new InvalidArgumentError(`${parsed.error}.`);
  return parsed.probes;
}

function selectorFlag(text: string | undefined, flag: string): Selector | undefined {
  if (text === undefined) return undefined;
  const parsed = parseSelector(text);
  if (parsed.ok) return parsed.selector;
  throw new UserError(`calpol matrix: ${flag}: ${parsed.error.message}\n${formatSelectorError(text, parsed.error)}`);
}

/** The probes asked for, or the ports the policies mention (saying so on stderr when some were left out). */
function probesFor(flags: MatrixFlags, policySet: PolicySet, io: Io): Probe[] {
  if (flags.port) return flags.port;
  const defaults = defaultProbes(policySet);
  if (defaults.mentioned > defaults.probes.length) {
    io.stderr(
      `calpol matrix: the policies mention ${defaults.mentioned} ports; probing the ${DEFAULT_PORT_LIMIT} most mentioned (${defaults.probes.map((p) => p.label).join(',')}); choose with --port\n`,
    );
  }
  return defaults.probes;
}

/** Facts and deciding policies, rendered once per cell that a format asks about. */
function cellNotes(result: MatrixResult): CellNotes {
  const lookup = new RuleLookup(result.plan.policySet);
  const notes = new Map<MatrixCell, CellNote>();
  return (cell) => {
    let note = notes.get(cell);
    if (!note) {
      note = { fact: decidingFact(cellTrace(result, cell), cellFlow(result, cell), lookup), policy: cellPolicy(cell) };
      notes.set(cell, note);
    }
    return note;
  };
}

function render(result: MatrixResult, flags: MatrixFlags, terminal: { unicode: boolean; color: boolean }): string {
  switch (flags.format) {
    case 'md':
      return renderMarkdown(result);
    case 'csv':
      return renderCsv(result, cellNotes(result));
    case 'json':
      return renderJson(result, cellNotes(result));
    case 'html':
      return renderHtml(result, cellNotes(result), { ...(flags.from !== undefined ? { from: flags.from } : {}), ...(flags.to !== undefined ? { to: flags.to } : {}) });
    default:
      return renderText(result, terminal);
  }
}

/** Writes the whole file or nothing: a temporary file beside it, then a rename. */
async function writeWhole(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.calpol-tmp`);
  try {
    await writeFile(temporary, text, { mode: 0o644 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new UserError(`calpol matrix: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export function registerMatrix(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('matrix')
    .description('Connectivity matrix: allow or deny, and what decided it, for every pair of endpoints and every port.')
    .argument('<paths...>', 'policy and inventory files or directories')
    .option('--from <selector>', 'sources: endpoints whose labels this Calico selector matches (default: all)')
    .option('--to <selector>', 'destinations: endpoints whose labels this selector matches (default: all)')
    .option('--port <ports>', `tcp/PORT, udp/PORT, sctp/PORT, PORT (TCP), icmp, icmpv6, comma-separated (default: the ${DEFAULT_PORT_LIMIT} ports the policies mention most, or tcp/80)`, probeList)
    .option('--ip-version <version>', 'probe TCP/UDP/SCTP over IPv4 or IPv6 only (default: IPv4 when both ends have one, else IPv6)', oneOf(['4', '6'] as const))
    .option('-f, --format <format>', `${FORMATS.join(', ')}`, oneOf(FORMATS), 'text')
    .option('-o, --output <file>', 'write to this file (whole or not at all) instead of stdout');
  addPlanOptions(command)
    .addHelpText('after', '\nExit codes: 0 the matrix was produced (whatever it says), 2 usage or input error.')
    .action(async (paths: string[], flags: MatrixFlags) => {
      const from = selectorFlag(flags.from, '--from');
      const to = selectorFlag(flags.to, '--to');
      const model = await loadValidModel(paths, io, modelOptionsFromFlags(flags));
      const plan = planFromFlags(model, flags);
      const result = matrixVerdicts(plan, {
        probes: probesFor(flags, model.policySet, io),
        endpointToHostAction: flags.endpointToHostAction,
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(flags.ipVersion ? { ipVersion: Number(flags.ipVersion) as 4 | 6 } : {}),
      });
      if (result.sources.length === 0 || result.destinations.length === 0) {
        io.stderr('calpol matrix: no endpoint with an address matches --from/--to: the matrix is empty\n');
      }
      const toFile = flags.output !== undefined;
      const text = render(result, flags, { unicode: !toFile && io.isTTY, color: !toFile && useColor(io) });
      if (flags.output !== undefined) await writeWhole(resolve(io.cwd, flags.output), text);
      else io.stdout(text);
      setExit(EXIT.ok);
    });
}
