import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatSelectorError, matches, parseSelector, testSelectors } from '../../selector/index.js';
import { EXIT, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { oneOf } from './options.js';

const FORMATS = ['text', 'json'] as const;

interface SelectorTestFlags {
  labels?: string;
  format: (typeof FORMATS)[number];
  batch?: string;
}

/** `--labels` as JSON (`{"app":"web"}`) or as `k=v,k2=v2`. */
export function parseLabelsArgument(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new UserError(`calpol: --labels: not valid JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UserError('calpol: --labels: expected a JSON object of label → value');
    }
    const labels: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value !== 'string') throw new UserError(`calpol: --labels: value of "${key}" must be a string`);
      labels[key] = value;
    }
    return labels;
  }
  const labels: Record<string, string> = {};
  for (const pair of trimmed.split(',')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new UserError(`calpol: --labels: expected key=value, got "${pair}"`);
    labels[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return labels;
}

async function runBatch(file: string, io: Io): Promise<number> {
  let text: string;
  try {
    text = file === '-' ? new TextDecoder().decode(await io.readStdin()) : await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let cases: unknown;
  try {
    cases = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(cases)) throw new UserError(`${file}: expected a JSON array of {"selector", "labels"?}`);
  cases.forEach((entry, index) => {
    const selector = (entry as { selector?: unknown } | null)?.selector;
    const labels = (entry as { labels?: unknown } | null)?.labels;
    if (typeof selector !== 'string') throw new UserError(`${file}: item ${index}: "selector" must be a string`);
    if (labels !== undefined && (typeof labels !== 'object' || labels === null || Array.isArray(labels))) {
      throw new UserError(`${file}: item ${index}: "labels" must be an object`);
    }
  });
  io.stdout(JSON.stringify(testSelectors(cases as { selector: string; labels?: Record<string, string> }[])) + '\n');
  return EXIT.ok;
}

function runSingle(expression: string, flags: SelectorTestFlags, io: Io): number {
  const parsed = parseSelector(expression);
  const labels = flags.labels === undefined ? undefined : parseLabelsArgument(flags.labels);
  if (!parsed.ok) {
    if (flags.format === 'json') {
      io.stdout(JSON.stringify({ selector: expression, valid: false, canonical: null, id: null, match: null, error: parsed.error.message, offset: parsed.error.offset }) + '\n');
    } else {
      io.stderr(`<selector>:1:${parsed.error.offset + 1}: invalid-selector: ${parsed.error.message}\n`);
      io.stderr(indent(formatSelectorError(expression, parsed.error)) + '\n');
    }
    return EXIT.usage;
  }
  const selector = parsed.selector;
  const match = labels === undefined ? null : matches(selector, labels);
  if (flags.format === 'json') {
    io.stdout(JSON.stringify({ selector: expression, valid: true, canonical: selector.canonical, id: selector.id, match, error: null }) + '\n');
  } else {
    const lines = ['valid:     yes', `canonical: ${selector.canonical}`, `id:        ${selector.id}`];
    if (labels !== undefined) lines.push(`match:     ${match ? 'yes' : 'no'}`);
    io.stdout(lines.join('\n') + '\n');
  }
  return match === false ? EXIT.findings : EXIT.ok;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

export function registerSelector(program: Command, io: Io, setExit: (code: number) => void): void {
  const selector = program.command('selector').description('Work with Calico selector expressions.');
  selector
    .command('test')
    .description('Check a selector: validity, canonical form, id, and whether it matches labels.')
    .argument('[expression]', 'the selector, e.g. "app == \'web\' && has(tier)"')
    .option('-l, --labels <labels>', 'labels to match against: JSON object or k=v,k2=v2')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, oneOf(FORMATS), 'text')
    .option('--batch <file>', 'JSON array of {"selector","labels"?} (or - for stdin); prints a JSON array of results')
    .addHelpText('after', '\nExit codes: 0 valid (and matches), 1 does not match, 2 invalid selector or usage error.')
    .action(async (expression: string | undefined, flags: SelectorTestFlags) => {
      if (flags.batch !== undefined) {
        if (expression !== undefined) throw new UserError('calpol: give either an expression or --batch, not both');
        setExit(await runBatch(flags.batch, io));
        return;
      }
      if (expression === undefined) throw new UserError('calpol: selector test: missing expression (or --batch FILE)');
      setExit(runSingle(expression, flags, io));
    });
}
