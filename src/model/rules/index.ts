// The diagnostics stage 2 (model) can report, one rule per file.
import type { RuleDefinition } from '../../diag/index.js';
import { duplicateResource } from './duplicate-resource.js';
import { invalidSelector } from './invalid-selector.js';
import { invalidType } from './invalid-type.js';
import { invalidValue } from './invalid-value.js';
import { missingField } from './missing-field.js';
import { unknownField } from './unknown-field.js';
import { unknownKind } from './unknown-kind.js';
import { unreadableInput } from './unreadable-input.js';
import { unsupportedField } from './unsupported-field.js';
import { yamlSyntax } from './yaml-syntax.js';

export {
  duplicateResource,
  invalidSelector,
  invalidType,
  invalidValue,
  missingField,
  unknownField,
  unknownKind,
  unreadableInput,
  unsupportedField,
  yamlSyntax,
};
export type { InvalidValueMessage } from './invalid-value.js';

/** Every model-level rule, sorted by id. */
export const modelRules: RuleDefinition[] = [
  duplicateResource,
  invalidSelector,
  invalidType,
  invalidValue,
  missingField,
  unknownField,
  unknownKind,
  unreadableInput,
  unsupportedField,
  yamlSyntax,
].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
