import type { Command } from 'commander';
import {
  allRules,
  formatGithub,
  formatJson,
  formatSarif,
  formatText,
  lintSources,
} from '../../lint/index.js';
import { EXIT } from '../errors.js';
import { calpolVersion, useColor, type Io } from '../io.js';
import { modelOptionsFromFlags } from '../model.js';
import { readSources, sourceLineLookup } from '../sources.js';
import { declaredTier, nonNegativeInteger, oneOf } from './options.js';
import type { DeclaredTier } from '../../model/index.js';
import { TIE_BREAKS } from './plan-options.js';

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type LintFormat = (typeof FORMATS)[number];

interface LintFlags {
  format: LintFormat;
  maxWarnings?: number;
  allowUnsupported?: boolean;
  tieBreak: 'calpol' | 'upstream';
  tier?: DeclaredTier[];
}

export function registerLint(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('lint')
    .description('Check policy files: schema, selectors, values and semantics.')
    .argument('<paths...>', 'files, directories (searched for .yaml/.yml/.json) or - for stdin')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, oneOf(FORMATS), 'text')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this', nonNegativeInteger)
    .option('--allow-unsupported', 'report fields calpol cannot enforce as warnings and skip them')
    .option('--tie-break <rule>', 'order of equal-order policies for the semantic rules: calpol or upstream', oneOf(TIE_BREAKS), 'calpol')
    .option('--tier <name[:order]>', 'a tier defined outside these files (repeatable): its policies are not missing their tier', declaredTier)
    .addHelpText(
      'after',
      '\nExit codes: 0 no errors, 1 errors (or more warnings than --max-warnings), 2 usage error or unreadable input.',
    )
    .action(async (paths: string[], flags: LintFlags) => {
      const sources = await readSources(paths, io);
      const outcome = lintSources(sources, { ...modelOptionsFromFlags(flags), tieBreak: flags.tieBreak });
      const diagnostics = outcome.diagnostics;
      switch (flags.format) {
        case 'json':
          io.stdout(formatJson(diagnostics));
          break;
        case 'sarif':
          io.stdout(formatSarif(diagnostics, { toolVersion: calpolVersion(), rules: allRules() }));
          break;
        case 'github':
          io.stdout(formatGithub(diagnostics));
          break;
        default:
          io.stdout(formatText(diagnostics, { color: useColor(io), sourceLine: sourceLineLookup(sources) }));
      }
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
      if (outcome.unreadable) setExit(EXIT.usage);
      else if (errors > 0) setExit(EXIT.findings);
      else if (flags.maxWarnings !== undefined && warnings > flags.maxWarnings) setExit(EXIT.findings);
      else setExit(EXIT.ok);
    });
}
