import { loadModel, type Model } from '../../src/model/index.js';
import { EndpointDirectory, resolveFlow, type FlowSpec } from '../../src/explain/index.js';
import { referenceEvaluator, type Trace } from '../../src/eval/index.js';
import { buildTierPlan, type PlanOptions, type TierPlan } from '../../src/tiers/index.js';
import { syntheticSpan } from '../../src/diag/index.js';

/** Loads YAML text as one file; fails the test on any error diagnostic. */
export function modelFromYaml(text: string, file = 'test.yaml'): Model {
  const model = loadModel([{ file, bytes: new TextEncoder().encode(text) }]);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`test input has errors:\n${errors.map((e) => `${e.span?.line}:${e.span?.column} ${e.code}: ${e.message}`).join('\n')}`);
  }
  return model;
}

export interface Verdicts {
  plan: TierPlan;
  model: Model;
  /** Evaluates a flow written like a flows-file item. */
  check(flow: Omit<FlowSpec, 'span' | 'fieldSpans'>): Trace;
}

export function verdictsFor(text: string, options: PlanOptions = {}): Verdicts {
  const model = modelFromYaml(text);
  const plan = buildTierPlan(model.policySet, model.inventory, options);
  const directory = new EndpointDirectory(model.inventory);
  const evaluator = referenceEvaluator(plan);
  return {
    plan,
    model,
    check(flow) {
      const resolved = resolveFlow({ ...flow, span: syntheticSpan('<test>'), fieldSpans: {} }, directory);
      if (!resolved.ok) throw new Error(resolved.errors.map((e) => e.message).join('\n'));
      return evaluator.evaluate(resolved.flow);
    },
  };
}

/** A namespace and pods for tests: `pods` maps name → [ip, labels]. */
export function cluster(namespace: string, pods: Record<string, [string, Record<string, string>]>, namespaceLabels: Record<string, string> = {}): string {
  const documents = [
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: namespaceLabels } }),
    ...Object.entries(pods).map(([name, [ip, labels]]) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace, labels },
        spec: { nodeName: 'node-1', containers: [{ name: 'main', ports: [{ name: 'http', containerPort: 8080 }] }] },
        status: { podIP: ip },
      }),
    ),
  ];
  return documents.join('\n---\n');
}
