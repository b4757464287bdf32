import { parseSelector } from '../../selector/index.js';
import { invalidSelector } from '../rules/index.js';
import type { Checker } from './context.js';
import { byteLength } from './names.js';

/**
 * Where a selector sits decides where `global()` may appear (docs/calico-semantics.md §1.6): only as the
 * whole of an EntityRule namespaceSelector. Everywhere else a CEL rule rejects any text
 * containing `global(`.
 */
export type SelectorPlace =
  /** EntityRule `namespaceSelector`: `global()` alone is fine; combined with anything it is not. */
  | 'entityNamespaceSelector'
  /** EntityRule `selector`, policy `selector` / `serviceAccountSelector`, GNP `namespaceSelector`. */
  | 'noGlobal'
  /** EntityRule `notSelector`, serviceAccounts `selector`: upstream has no global() rule here. */
  | 'plain'
  /** IPPool `nodeSelector` / `namespaceSelector`. */
  | 'ipPool';

const MAX_SELECTOR_BYTES = 1024;
const GLOBAL_ALONE = /^[ \t]*global\([ \t]*\)[ \t]*$/;

/** Parses a selector and applies its placement rule; findings point into the YAML scalar. */
export function checkSelector(text: string, pointer: string, place: SelectorPlace, checker: Checker): void {
  if (byteLength(text) > MAX_SELECTOR_BYTES) {
    checker.invalid('tooLong', pointer, { max: MAX_SELECTOR_BYTES });
  }
  if (/^[ \t]+$/.test(text) && place !== 'ipPool') {
    checker.at(invalidSelector, 'whiteSpaceOnly', checker.span(pointer));
    return;
  }
  const result = parseSelector(text);
  if (!result.ok) {
    const { message, offset, length } = result.error;
    checker.at(invalidSelector, 'parse', checker.textSpan(pointer, offset, Math.max(length, 1)), { error: message });
    return;
  }
  const global = text.indexOf('global(');
  if (global < 0) return;
  const span = checker.textSpan(pointer, global, 'global()'.length);
  if (place === 'noGlobal') checker.at(invalidSelector, 'globalOnlyInNamespaceSelector', span);
  else if (place === 'ipPool') checker.at(invalidSelector, 'globalInIPPool', span, { field: fieldName(pointer) });
  else if (place === 'entityNamespaceSelector' && !GLOBAL_ALONE.test(text)) {
    checker.at(invalidSelector, 'globalNotCombined', checker.span(pointer), { value: text });
  }
}

function fieldName(pointer: string): string {
  return pointer.slice(pointer.lastIndexOf('/') + 1);
}
