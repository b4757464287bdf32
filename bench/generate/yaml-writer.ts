/**
 * A minimal YAML writer in the style `kubectl get -o yaml` prints: two-space indents,
 * sequence items at their key's indent, plain scalars where YAML reads them back as the
 * same string, double-quoted (JSON) strings elsewhere. Keys keep insertion order, so the
 * output is a pure function of the value. Only what the generator produces is supported:
 * maps, arrays, strings, finite numbers and booleans.
 */

export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue };

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*(:[A-Za-z0-9_./-]+)*$/;
/** Resource quantities (`500m`, `256Mi`): strings to every YAML reader. */
const PLAIN_QUANTITY = /^[0-9]+(m|Ki|Mi|Gi)$/;
/** IPv4 addresses and CIDRs: plain in kubectl's output, and no YAML reader takes them for numbers. */
const PLAIN_IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(\/\d{1,2})?$/;
/** Words YAML 1.1 or 1.2 readers take for booleans or null. */
const RESERVED = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', '~']);

export function scalar(value: string | number | boolean): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`bug: cannot write ${value} as YAML`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const plain = (PLAIN.test(value) && !RESERVED.has(value.toLowerCase())) || PLAIN_IPV4.test(value) || PLAIN_QUANTITY.test(value);
  return plain ? value : JSON.stringify(value);
}

const isMap = (value: YamlValue): value is { [key: string]: YamlValue } => typeof value === 'object' && !Array.isArray(value);
const isEmpty = (value: YamlValue) => (Array.isArray(value) ? value.length === 0 : isMap(value) && Object.keys(value).length === 0);

function inline(value: YamlValue): string {
  if (Array.isArray(value)) return '[]';
  if (isMap(value)) return '{}';
  return scalar(value);
}

/** Appends the entries of a map, each line starting with `indent`; `first` replaces the indent of the first line. */
function writeMap(map: { [key: string]: YamlValue }, indent: string, lines: string[], first = indent): void {
  let prefix = first;
  for (const [key, value] of Object.entries(map)) {
    const head = `${prefix}${scalar(key)}:`;
    prefix = indent;
    if (isEmpty(value) || !(Array.isArray(value) || isMap(value))) {
      lines.push(`${head} ${inline(value)}`);
    } else if (Array.isArray(value)) {
      lines.push(head);
      writeSequence(value, indent, lines);
    } else {
      lines.push(head);
      writeMap(value, indent + '  ', lines);
    }
  }
}

function writeSequence(items: YamlValue[], indent: string, lines: string[]): void {
  for (const item of items) {
    if (isMap(item) && !isEmpty(item)) writeMap(item, indent + '  ', lines, indent + '- ');
    else if (Array.isArray(item) && !isEmpty(item)) {
      throw new Error('bug: nested sequences are not needed by the generator');
    } else lines.push(`${indent}- ${inline(item)}`);
  }
}

/** One YAML document (no `---`), ending with a newline. */
export function toYaml(document: { [key: string]: YamlValue }): string {
  const lines: string[] = [];
  writeMap(document, '', lines);
  return lines.join('\n') + '\n';
}

/** Several documents separated by `---`, as calicoctl prints them. */
export function toYamlStream(documents: { [key: string]: YamlValue }[]): string {
  return documents.map(toYaml).join('---\n');
}
