import { makeProbe, matrixVerdicts } from '../../src/matrix/index.js';
import type { Inventory } from '../../src/model/index.js';
import { parseSelector, type Selector } from '../../src/selector/index.js';
import { loadValid, planOf, type PreparedStep, type Step, type StepContext } from './types.js';

/** Rows and columns: whole namespaces, in name order, until this many endpoints (the whole cluster at S). */
export const MATRIX_ENDPOINTS = 1000;
const PROBES = [makeProbe('tcp', 8080), makeProbe('tcp', 5432), makeProbe('udp', 53)];

/** `projectcalico.org/namespace in {...}` over the first namespaces that hold MATRIX_ENDPOINTS pods. */
function namespaceSelector(inventory: Inventory): { selector: Selector; endpoints: number } {
  const counts = new Map<string, number>();
  for (const endpoint of inventory.endpoints) {
    if (endpoint.kind === 'workload' && endpoint.namespace !== undefined) counts.set(endpoint.namespace, (counts.get(endpoint.namespace) ?? 0) + 1);
  }
  const chosen: string[] = [];
  let endpoints = 0;
  for (const [namespace, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (endpoints >= MATRIX_ENDPOINTS) break;
    chosen.push(namespace);
    endpoints += count;
  }
  const parsed = parseSelector(`projectcalico.org/namespace in {${chosen.map((ns) => `'${ns}'`).join(', ')}}`);
  if (!parsed.ok) throw new Error('bug: the matrix selector does not parse');
  return { selector: parsed.selector, endpoints };
}

export const matrixStep: Step = {
  name: 'matrix',
  description: `matrixVerdicts over ~${MATRIX_ENDPOINTS} endpoints × the same, probes tcp/8080 tcp/5432 udp/53`,
  prepare(context: StepContext): PreparedStep {
    const plan = planOf(loadValid(context.sources));
    const { selector, endpoints } = namespaceSelector(plan.inventory);
    let counts: Record<string, number> = {};
    return {
      run() {
        const result = matrixVerdicts(plan, { probes: PROBES, from: selector, to: selector });
        counts = { verdicts: result.count, evaluations: result.evaluations, endpoints };
      },
      extras: () => counts,
    };
  },
};
