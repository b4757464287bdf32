import { parseAllDocuments, type Document } from 'yaml';
import { LineIndex, report, type Diagnostic } from '../../diag/index.js';
import { yamlSyntax } from '../rules/index.js';
import type { YNode } from '../schema/index.js';
import { parseFastJson } from './fast-json.js';
import { fastYamlNodeReader, parseFastYaml, type ListItemDeferral, type ListItemSink, type NodeReader } from './fast-yaml.js';
import { fromYamlDocument } from './from-yaml.js';

export interface ParsedFile {
  file: string;
  text: string;
  lines: LineIndex;
  /** The root node of each document that parsed without errors (those with errors are reported and left out). */
  documents: YNode[];
  /**
   * True when a fast reader read the file: then the items of top-level `items:` lists went
   * to `onListItem` instead of into the tree. (When a fast reader gives up midway, items it
   * already handed over must be discarded: the `yaml` package reads the file again, items included.)
   */
  fast: boolean;
  /** Reads a node again from its offset (set when the fast YAML reader read the file). */
  reread?: NodeReader;
}

export interface ParseOptions {
  /** `false` forces the `yaml` package (tests compare the two readers). */
  fast?: boolean;
  lines?: LineIndex;
  onListItem?: ListItemSink;
  /** With onListItem: list items the fast YAML reader may leave unread (see ListItemDeferral). */
  deferListItem?: ListItemDeferral;
}

/**
 * Parses a YAML (or JSON: JSON is YAML) stream, keeping every node's source offsets. The
 * plain subset nearly every manifest uses is read by fast readers; any other file goes to
 * the `yaml` package, which also words every error. Duplicate keys are errors; a document
 * with any error is reported and skipped as a whole (kubectl refuses it too) rather than
 * decoded into follow-on errors.
 */
export function parseYamlFile(file: string, text: string, diagnostics: Diagnostic[], options: ParseOptions = {}): ParsedFile {
  const lines = options.lines ?? new LineIndex(text);
  const parsed: ParsedFile = { file, text, lines, documents: [], fast: false };
  // A JSON text starts with `{` or `[`, where the YAML reader never hands over list items,
  // so when it gives up on such a file nothing has been handed over twice.
  if (options.fast !== false) {
    const fastYaml = parseFastYaml(text, options.onListItem, options.deferListItem);
    const documents = fastYaml ?? parseFastJson(text, options.onListItem);
    if (documents) {
      parsed.documents = documents;
      parsed.fast = true;
      if (fastYaml) parsed.reread = fastYamlNodeReader(text);
      return parsed;
    }
  }
  let documents: Document.Parsed[];
  try {
    documents = [...parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, strict: true })];
  } catch (error) {
    // The parser reports problems as values; an exception here (say, a stack overflow on
    // absurd nesting) is reported rather than allowed to end the whole run.
    diagnostics.push(report(yamlSyntax, 'syntax', lines.span(file, 0, 0), { message: `cannot parse: ${String(error)}` }));
    return parsed;
  }
  for (const doc of documents) {
    for (const error of doc.errors) {
      diagnostics.push(report(yamlSyntax, 'syntax', lines.span(file, error.pos[0], error.pos[1] - error.pos[0]), { message: firstLine(error.message) }));
    }
    for (const warning of doc.warnings) {
      const span = lines.span(file, warning.pos[0], warning.pos[1] - warning.pos[0]);
      diagnostics.push(report(yamlSyntax, 'warning', span, { message: firstLine(warning.message) }, { severity: 'warning' }));
    }
    if (doc.errors.length > 0) continue;
    const root = fromYamlDocument(doc, file, text, lines, diagnostics);
    if (root) parsed.documents.push(root);
  }
  return parsed;
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return (end < 0 ? message : message.slice(0, end)).replace(/ at line \d+, column \d+:?$/, '');
}
