import type { Diagnostic } from '../diag/index.js';
import { loadResources } from './load/index.js';
import { normalize } from './normalize/index.js';
import type { Resource } from './resources.js';
import type { Inventory, PolicySet } from './types.js';
import { validateResources } from './validate/index.js';

/** One input file as the CLI read it: the model decodes and parses it (no I/O here). */
export interface SourceFile {
  file: string;
  bytes: Uint8Array;
}

export interface ModelOptions {
  /** Report fields calpol cannot enforce as warnings (and skip them, failing closed) instead of errors. */
  allowUnsupported?: boolean;
}

export interface Model {
  resources: Resource[];
  policySet: PolicySet;
  inventory: Inventory;
  diagnostics: Diagnostic[];
  /** True when the input itself has errors (syntax, schema, values): later stages must not run on it. */
  hasErrors: boolean;
}

/**
 * load → validate → normalize. Normalization only runs on resources that passed
 * validation, so its input is always well-formed; a resource with errors is dropped
 * from the policy set (and the model reports hasErrors, so nothing is compiled from it).
 */
export function loadModel(sources: readonly SourceFile[], options: ModelOptions = {}): Model {
  const loaded = loadResources([...sources]);
  const validation = validateResources(loaded.resources, { allowUnsupported: options.allowUnsupported ?? false });
  const invalid = new Set<Resource>();
  for (const d of validation) {
    if (d.severity !== 'error' || !d.span) continue;
    for (const resource of loaded.resources) {
      if (resource.span.file === d.span.file && d.span.offset >= resource.span.offset && d.span.offset < resource.span.offset + resource.span.length) {
        invalid.add(resource);
      }
    }
  }
  const valid = invalid.size === 0 ? loaded.resources : loaded.resources.filter((r) => !invalid.has(r));
  const normalized = normalize(valid);
  const inputDiagnostics = [...loaded.diagnostics, ...validation];
  return {
    resources: loaded.resources,
    policySet: normalized.policySet,
    inventory: normalized.inventory,
    diagnostics: [...inputDiagnostics, ...normalized.diagnostics],
    // Findings about the model as a whole (a missing tier) are errors for lint, but the model
    // is still well defined (Felix evaluates it), so they do not stop other commands.
    hasErrors: inputDiagnostics.some((d) => d.severity === 'error'),
  };
}
