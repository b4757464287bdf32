import type { Diagnostic } from '../diag/index.js';
import { loadFocused, loadResources, type PodFocus } from './load/index.js';
import { normalize } from './normalize/index.js';
import type { Resource } from './resources.js';
import type { DeclaredTier, Inventory, PolicySet } from './types.js';
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
  /**
   * Tiers defined outside the inputs (`--tier NAME[:ORDER]`), for repositories
   * whose tiers the platform team owns: a policy in one of them is not missing its tier.
   */
  declaredTiers?: readonly DeclaredTier[];
}

export interface Model {
  resources: Resource[];
  policySet: PolicySet;
  inventory: Inventory;
  diagnostics: Diagnostic[];
  /**
   * True when anything in the input is an error, the model's own findings (a missing
   * tier) included: no command may produce output from it.
   */
  hasErrors: boolean;
  /** True when the resources themselves have errors (syntax, schema, values): semantic lint rules must not run on them. */
  inputHasErrors: boolean;
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
  const unsupported = { allowUnsupported: options.allowUnsupported ?? false };
  const loaded = options.podFocus ? loadFocused([...sources], options.podFocus, unsupported) : { ...loadResources([...sources], unsupported), unread: undefined };
  const validation = validateResources(loaded.resources, unsupported);
  const invalid = validation.invalid;
  resourcesWithLoadErrors(loaded.resources, loaded.diagnostics, invalid);
  const valid = invalid.size === 0 ? loaded.resources : loaded.resources.filter((r) => !invalid.has(r));
  const normalized = normalize(valid, options.declaredTiers ? { declaredTiers: options.declaredTiers } : {});
  const inputDiagnostics = [...loaded.diagnostics, ...validation.diagnostics];
  const diagnostics = [...inputDiagnostics, ...normalized.diagnostics];
  return {
    resources: loaded.resources,
    policySet: normalized.policySet,
    inventory: normalized.inventory,
    diagnostics,
    hasErrors: diagnostics.some((d) => d.severity === 'error'),
    inputHasErrors: inputDiagnostics.some((d) => d.severity === 'error'),
    ...(loaded.unread !== undefined ? { unreadPods: loaded.unread } : {}),
  };
}
