import { parseAllDocuments, type Document } from 'yaml';
import { didYouMean, LineIndex, report, type Diagnostic } from '../../diag/index.js';
import { yamlSyntax } from '../rules/index.js';
import type { YNode } from '../schema/index.js';
import { parseFastJson } from './fast-json.js';
import { fastYamlNodeReader, parseFastYaml, type ListItemDeferral, type ListItemSink, type NodeReader } from './fast-yaml.js';
import { fromYamlDocument } from './from-yaml.js';
import { classifyUnread, isListKind, KNOWN_KIND_NAMES, routeKind } from './kinds.js';

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
    // What is wrong inside a document of a kind that carries no policy (a Deployment of a
    // Helm chart) must not block the policies next to it: it is skipped with a note.
    const skippable = unreadKindOf(text.slice(doc.range[0], doc.range[2]));
    const found: Diagnostic[] = [];
    for (const error of doc.errors) {
      found.push(report(yamlSyntax, 'syntax', lines.span(file, error.pos[0], error.pos[1] - error.pos[0]), { message: firstLine(error.message) }));
    }
    for (const warning of doc.warnings) {
      const span = lines.span(file, warning.pos[0], warning.pos[1] - warning.pos[0]);
      found.push(report(yamlSyntax, 'warning', span, { message: firstLine(warning.message) }, { severity: 'warning' }));
    }
    const root = doc.errors.length > 0 ? undefined : fromYamlDocument(doc, file, text, lines, found);
    if (skippable && found.some((d) => d.severity === 'error')) {
      const first = found.find((d) => d.severity === 'error') as Diagnostic;
      diagnostics.push(report(yamlSyntax, 'unreadSkipped', first.span, { kind: skippable, problem: first.message }, { severity: 'info' }));
      continue;
    }
    diagnostics.push(...found);
    if (root) parsed.documents.push(root);
  }
  return parsed;
}

/**
 * The kind of a document's text when it is one calpol does not read and that carries no
 * policy (read from its top-level `apiVersion:` and `kind:` lines, so it works on text
 * that does not parse); undefined otherwise.
 */
function unreadKindOf(document: string): string | undefined {
  const apiVersion = /^apiVersion:[ \t]*["']?([^\s"'#]+)/m.exec(document)?.[1];
  const kind = /^kind:[ \t]*["']?([A-Za-z0-9]+)/m.exec(document)?.[1];
  if (!apiVersion || !kind || routeKind(apiVersion, kind) || isListKind(kind)) return undefined;
  return classifyUnread(apiVersion, kind, (name) => didYouMean(name, KNOWN_KIND_NAMES)).reason === 'noPolicy' ? kind : undefined;
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return (end < 0 ? message : message.slice(0, end)).replace(/ at line \d+, column \d+:?$/, '');
}
