import type { Log, ReportingDescriptor, Result as SarifResult } from 'sarif';
import type { Diagnostic, RuleDefinition } from '../../diag/index.js';

export interface SarifOptions {
  toolVersion: string;
  rules: readonly RuleDefinition[];
}

const LEVEL: Record<Diagnostic['severity'], SarifResult.level> = { error: 'error', warning: 'warning', info: 'note' };

/** SARIF wants URIs: keep relative paths relative (GitHub resolves them from the repo root). */
function artifactUri(file: string): string {
  const normalized = file.replace(/\\/g, '/').replace(/^\.\//, '');
  return normalized
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/');
}

function describeRule(rule: RuleDefinition): ReportingDescriptor {
  return {
    id: rule.id,
    name: rule.id.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    help: { text: `${rule.description} Documentation: docs/rules/${rule.id}.md in the calpol repository.` },
    defaultConfiguration: { level: LEVEL[rule.severity] },
  };
}

/**
 * A SARIF 2.1.0 log with one run. Every diagnostic code must be a registered rule; an
 * unregistered code is a bug (a rule without docs) and throws.
 */
export function formatSarif(diagnostics: readonly Diagnostic[], options: SarifOptions): string {
  const rules = [...options.rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results: SarifResult[] = diagnostics.map((d) => {
    const index = ruleIndex.get(d.code);
    if (index === undefined) throw new Error(`diagnostic code ${d.code} has no registered rule`);
    const result: SarifResult = {
      ruleId: d.code,
      ruleIndex: index,
      level: LEVEL[d.severity],
      message: { text: d.help ? `${d.message} (${d.help})` : d.message },
    };
    if (d.span && d.span.line > 0) {
      result.locations = [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(d.span.file) },
            region: {
              startLine: d.span.line,
              startColumn: d.span.column,
              endLine: d.span.endLine,
              endColumn: Math.max(d.span.endColumn, d.span.endLine === d.span.line ? d.span.column + 1 : 1),
            },
          },
        },
      ];
    }
    return result;
  });
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'calpol',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            rules: rules.map(describeRule),
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
