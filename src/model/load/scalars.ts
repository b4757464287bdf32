/**
 * Plain-scalar resolution of the YAML 1.2 core schema, exactly as the `yaml` package applies
 * it (null, bool, then int and float forms, in that order); everything else is a string.
 */
export function resolvePlainScalar(source: string): string | number | boolean | null {
  // Only an empty text or one starting with ~ n N t T f F, a digit, a sign or a dot can be
  // anything but a string: most keys and values skip every regex below.
  if (source.length > 0 && !MAY_NOT_BE_STRING[source.charCodeAt(0)]) return source;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(source)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(source)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(source)) return false;
  const first = source.charCodeAt(0);
  // Numbers start with a digit, a sign or a dot: skip the regexes for everything else.
  if (!((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46)) return source;
  if (/^0o[0-7]+$/.test(source)) return parseInt(source.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(source)) return parseInt(source, 10);
  if (/^0x[0-9a-fA-F]+$/.test(source)) return parseInt(source.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source)) {
    if (source.slice(-3).toLowerCase() === 'nan') return NaN;
    return source[0] === '-' ? -Infinity : Infinity;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source)) return parseFloat(source);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)) return parseFloat(source);
  return source;
}

const MAY_NOT_BE_STRING: readonly boolean[] = (() => {
  const table: boolean[] = [];
  for (const c of '~nNtTfF0123456789+-.') table[c.charCodeAt(0)] = true;
  return table;
})();

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/** The value of a one-line double-quoted scalar's body, or undefined for an escape YAML does not define. */
export function unescapeDoubleQuoted(body: string): string | undefined {
  if (body.indexOf('\\') < 0) return body;
  let out = '';
  let i = 0;
  while (i < body.length) {
    const slash = body.indexOf('\\', i);
    if (slash < 0) {
      out += body.slice(i);
      break;
    }
    out += body.slice(i, slash);
    const code = body[slash + 1];
    if (code === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[code];
    if (simple !== undefined) {
      out += simple;
      i = slash + 2;
      continue;
    }
    const length = HEX_LENGTH[code];
    const hex = length === undefined ? '' : body.slice(slash + 2, slash + 2 + length);
    if (length === undefined || !new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) return undefined;
    const point = parseInt(hex, 16);
    if (point > 0x10ffff) return undefined;
    out += String.fromCodePoint(point);
    i = slash + 2 + length;
  }
  return out;
}
