import type { Diagnostic } from '../diag/index.js';
import { loadFocused, loadResources, type PodFocus } from './load/index.js';
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
  /**
   * Load only the pods of `kind: List` documents that one flow needs (see loadFocused): for
   * explaining that flow, never for compiling or linting.
   */
  podFocus?: PodFocus;
}

export interface Model {
  resources: Resource[];
  policySet: PolicySet;
  inventory: Inventory;
  diagnostics: Diagnostic[];
  /** True when the input itself has errors (syntax, schema, values): later stages must not run on it. */
  hasErrors: boolean;
  /** With a pod focus: how many pods were left unread (and unchecked). */
  unreadPods?: number;
}

/**
 * The resources some error of the loader points into: resources sorted by position per file,
 * each error located by binary search (errors × log(resources), not errors × resources).
 * The loader's findings are spans of nodes and keys inside their resource; a finding at
 * the resource's last character (length 0 at its end) still counts as inside.
 */
function resourcesWithLoadErrors(resources: readonly Resource[], diagnostics: readonly Diagnostic[], invalid: Set<Resource>): void {
  const byFile = new Map<string, Resource[]>();
  for (const resource of resources) {
    let list = byFile.get(resource.span.file);
    if (!list) byFile.set(resource.span.file, (list = []));
    list.push(resource);
  }
  for (const list of byFile.values()) list.sort((a, b) => a.span.offset - b.span.offset);
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity !== 'error' || !diagnostic.span) continue;
    const list = byFile.get(diagnostic.span.file);
    if (!list) continue;
    let low = 0;
    let high = list.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((list[middle] as Resource).span.offset <= diagnostic.span.offset) low = middle;
      else high = middle - 1;
    }
    const candidate = list[low] as Resource;
    const { offset, length } = candidate.span;
    if (diagnostic.span.offset >= offset && diagnostic.span.offset <= offset + length) invalid.add(candidate);
  }
}

/**
 * load → validate → normalize. Normalization only runs on resources without errors, so
 * its input is always well-formed; a resource with errors is left out of the policy set
 * (and the model reports hasErrors, so nothing is compiled from it).
 */
export function loadModel(sources: readonly SourceFile[], options: ModelOptions = {}): Model {
  const loaded = options.podFocus ? loadFocused([...sources], options.podFocus) : { ...loadResources([...sources]), unread: undefined };
  const validation = validateResources(loaded.resources, { allowUnsupported: options.allowUnsupported ?? false });
  const invalid = validation.invalid;
  resourcesWithLoadErrors(loaded.resources, loaded.diagnostics, invalid);
  const valid = invalid.size === 0 ? loaded.resources : loaded.resources.filter((r) => !invalid.has(r));
  const normalized = normalize(valid);
  const inputDiagnostics = [...loaded.diagnostics, ...validation.diagnostics];
  return {
    resources: loaded.resources,
    policySet: normalized.policySet,
    inventory: normalized.inventory,
    diagnostics: [...inputDiagnostics, ...normalized.diagnostics],
    // Findings about the model as a whole (a missing tier) are errors for lint, but the model
    // is still well defined (Felix evaluates it), so they do not stop other commands.
    hasErrors: inputDiagnostics.some((d) => d.severity === 'error'),
    ...(loaded.unread !== undefined ? { unreadPods: loaded.unread } : {}),
  };
}
