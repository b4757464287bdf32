import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';
import { didYouMean, LineIndex, type Diagnostic, type Span } from '../diag/index.js';

/**
 * A flow as users write it (flags of `calpol explain`, items of a `calpol test` file):
 * ends by name or address, protocol and ports; resolved against the inventory later.
 */
export interface FlowSpec {
  name?: string;
  src: string;
  dst: string;
  protocol: string;
  port?: number;
  sport?: number;
  icmpType?: number;
  icmpCode?: number;
  path?: 'workload' | 'host-ingress' | 'host-egress' | 'forwarded';
  ingressHostEndpoint?: string;
  egressHostEndpoint?: string;
  expect?: 'allow' | 'deny';
  /** The flow's item in its file (or the command line). */
  span: Span;
  /** Spans of individual fields, for errors. */
  fieldSpans: Partial<Record<keyof FlowSpec, Span>>;
}

const FIELDS = ['name', 'src', 'dst', 'protocol', 'port', 'sport', 'icmpType', 'icmpCode', 'path', 'ingressHostEndpoint', 'egressHostEndpoint', 'expect'] as const;
const PATHS = ['workload', 'host-ingress', 'host-egress', 'forwarded'] as const;
const NUMBER_FIELDS = new Set(['port', 'sport', 'icmpType', 'icmpCode']);
const NUMBER_LIMITS: Record<string, number> = { port: 65535, sport: 65535, icmpType: 255, icmpCode: 255 };

export type FlowsResult = { ok: true; flows: FlowSpec[] } | { ok: false; errors: Diagnostic[] };

function error(span: Span, message: string): Diagnostic {
  return { code: 'invalid-flow', severity: 'error', message, span };
}

function spanOf(node: YamlNode | null | undefined, file: string, lines: LineIndex): Span {
  const range = node?.range;
  if (!range) return lines.span(file, 0, 0);
  return lines.span(file, range[0], range[1] - range[0]);
}

/** Checks one field's value and stores it on the flow; returns an error message or undefined. */
function setField(flow: Record<string, unknown>, field: string, value: unknown): string | undefined {
  if (NUMBER_FIELDS.has(field)) {
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    const limit = NUMBER_LIMITS[field] as number;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > limit) {
      return `${field} must be a whole number from 0 to ${limit}`;
    }
    flow[field] = number;
    return undefined;
  }
  if (typeof value !== 'string' && typeof value !== 'number') return `${field} must be a string`;
  const text = String(value);
  if (field === 'path' && !(PATHS as readonly string[]).includes(text)) return `path must be one of ${PATHS.join(', ')}`;
  if (field === 'expect') {
    const lower = text.toLowerCase();
    if (lower !== 'allow' && lower !== 'deny') return 'expect must be allow or deny';
    flow[field] = lower;
    return undefined;
  }
  flow[field] = text;
  return undefined;
}

function readFlow(item: YAMLMap, file: string, lines: LineIndex, errors: Diagnostic[]): FlowSpec | undefined {
  const flow: Record<string, unknown> = { span: spanOf(item, file, lines), fieldSpans: {} };
  const fieldSpans = flow.fieldSpans as Record<string, Span>;
  const before = errors.length;
  for (const pair of item.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const keySpan = spanOf(pair.key as YamlNode, file, lines);
    if (!(FIELDS as readonly string[]).includes(key)) {
      const suggestion = didYouMean(key, FIELDS);
      errors.push(error(keySpan, `unknown field "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`));
      continue;
    }
    const valueNode = pair.value as YamlNode | null;
    fieldSpans[key] = spanOf(valueNode, file, lines);
    const value = isScalar(valueNode) ? valueNode.value : undefined;
    const problem = setField(flow, key, value);
    if (problem) errors.push(error(fieldSpans[key] as Span, problem));
  }
  for (const required of ['src', 'dst', 'protocol']) {
    if (flow[required] === undefined) errors.push(error(flow.span as Span, `missing required field "${required}"`));
  }
  return errors.length === before ? (flow as unknown as FlowSpec) : undefined;
}

/** Parses a flows file: a YAML (or JSON) list of flows, or a mapping with a `flows:` list. */
export function parseFlows(file: string, text: string): FlowsResult {
  const lineCounter = new LineCounter();
  const lines = new LineIndex(text);
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (document.errors.length > 0) {
    return { ok: false, errors: document.errors.map((e) => error(lines.span(file, e.pos[0], e.pos[1] - e.pos[0]), e.message.split('\n')[0] ?? 'invalid YAML')) };
  }
  let list: YamlNode | null | undefined = document.contents as YamlNode | null;
  if (isMap(list)) list = list.get('flows', true) as YamlNode | undefined;
  if (!isSeq(list)) return { ok: false, errors: [error(spanOf(document.contents as YamlNode, file, lines), 'expected a list of flows (or a mapping with a "flows" list)')] };
  const errors: Diagnostic[] = [];
  const flows: FlowSpec[] = [];
  for (const item of list.items) {
    if (!isMap(item)) {
      errors.push(error(spanOf(item as YamlNode, file, lines), 'each flow must be a mapping (src, dst, protocol, ...)'));
      continue;
    }
    const flow = readFlow(item, file, lines, errors);
    if (flow) flows.push(flow);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, flows };
}
