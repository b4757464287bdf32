// TEMPORARY placeholder so the pipeline builds while the validation stage is written
// (it reports nothing). Replaced by the real src/model/validate.
import type { Diagnostic } from '../../diag/index.js';
import type { Resource } from '../resources.js';

export interface ValidateOptions {
  allowUnsupported: boolean;
}

export function validateResources(_resources: readonly Resource[], _options: ValidateOptions): Diagnostic[] {
  return [];
}
