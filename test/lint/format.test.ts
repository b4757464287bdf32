import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04Module from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, RuleDefinition } from '../../src/diag/index.js';
import { formatGithub, formatJson, formatSarif, formatText } from '../../src/lint/index.js';

const span = (line: number, column: number, length: number) => ({
  file: 'policy/a b.yaml',
  line,
  column,
  endLine: line,
  endColumn: column + length,
  offset: 0,
  length,
});

const rules: RuleDefinition[] = [
  { id: 'unknown-field', severity: 'error', description: 'A field the resource does not have.', messages: { unknown: 'unknown field "{field}"' } },
  { id: 'unknown-kind', severity: 'warning', description: 'A kind calpol does not read.', messages: { kind: 'ignored' } },
];

const diagnostics: Diagnostic[] = [
  { code: 'unknown-field', severity: 'error', message: 'unknown field "selctor" (did you mean "selector"?)', span: span(7, 3, 7) },
  { code: 'unknown-kind', severity: 'warning', message: 'kind Deployment, is: ignored\nsecond line %', span: span(1, 1, 4) },
];

describe('lint output formats', () => {
  it('text: file:line:col: severity code: message, the source line and a caret', () => {
    const text = formatText(diagnostics, { color: false, sourceLine: (_file, line) => (line === 7 ? '  selctor:   run == x' : 'kind: Deployment') });
    expect(text.split('\n').slice(0, 3)).toEqual([
      'policy/a b.yaml:7:3: error unknown-field: unknown field "selctor" (did you mean "selector"?)',
      '    selctor:   run == x',
      '    ^~~~~~~',
    ]);
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 error, 1 warning');
  });

  it('json: diagnostics with positions and a summary', () => {
    const parsed = JSON.parse(formatJson(diagnostics));
    expect(parsed.summary).toEqual({ errors: 1, warnings: 1 });
    expect(parsed.diagnostics[0]).toMatchObject({ code: 'unknown-field', severity: 'error', file: 'policy/a b.yaml', line: 7, column: 3, endLine: 7, endColumn: 10 });
  });

  it('github: escapes data and properties so user text cannot inject commands', () => {
    const lines = formatGithub(diagnostics).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      '::error file=policy/a b.yaml,line=7,col=3,endLine=7,endColumn=10,title=calpol unknown-field::unknown field "selctor" (did you mean "selector"?)',
    );
    expect(lines[1]).toContain('::warning ');
    expect(lines[1]).toContain('::kind Deployment, is: ignored%0Asecond line %25');
  });

  it('sarif: validates against the official SARIF 2.1.0 schema', () => {
    const require = createRequire(import.meta.url);
    const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    const AjvDraft04 = (AjvDraft04Module as unknown as { default: typeof AjvDraft04Module }).default ?? AjvDraft04Module;
    const ajv = new (AjvDraft04 as unknown as new (options: object) => import('ajv').default)({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    const log = JSON.parse(formatSarif(diagnostics, { toolVersion: '1.2.3', rules }));
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['unknown-field', 'unknown-kind']);
    expect(run.results[0]).toMatchObject({
      ruleId: 'unknown-field',
      ruleIndex: 0,
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'policy/a%20b.yaml' }, region: { startLine: 7, startColumn: 3, endLine: 7, endColumn: 10 } } }],
    });
  });

  it('sarif: a code without a registered rule is a bug, not silent output', () => {
    expect(() => formatSarif([{ code: 'nope', severity: 'error', message: 'x' }], { toolVersion: '1', rules })).toThrow(/no registered rule/);
  });
});
