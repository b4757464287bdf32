import { spawnSync } from 'node:child_process';
import { CLI, cliNodeFlags } from '../cli-flags.js';
import { syntheticSpan } from '../../src/diag/index.js';
import { referenceEvaluator } from '../../src/eval/index.js';
import { EndpointDirectory, renderTraceText, resolveFlow, RuleLookup, type FlowSpec } from '../../src/explain/index.js';
import { lintSources } from '../../src/lint/index.js';
import { loadModel, type Endpoint, type Model } from '../../src/model/index.js';
import { buildTierPlan, planFor } from '../../src/tiers/index.js';
import { Random } from '../generate/random.js';
import { consume, loadValid, planOf, type PreparedStep, type Step, type StepContext } from './types.js';

export const EXPLAIN_QUERIES = 100;

export const loadStep: Step = {
  name: 'load',
  description: 'loadModel: decode + parse + schema decode + validate + normalize',
  prepare(context: StepContext): PreparedStep {
    let model: Model | undefined;
    let counts: Record<string, number> = {};
    return {
      run() {
        model = loadModel(context.sources);
        if (model.hasErrors) throw new Error('the generated cluster has errors');
      },
      // Not kept into the next run: two models alive at once would inflate its time and RSS.
      afterRun() {
        if (model) counts = { policies: model.policySet.policies.length, endpoints: model.inventory.endpoints.length, diagnostics: model.diagnostics.length };
        model = undefined;
      },
      extras: () => ({ ...counts, bytes: context.sources.reduce((sum, source) => sum + source.bytes.length, 0) }),
    };
  },
};

export const planStep: Step = {
  name: 'plan',
  description: "buildTierPlan + the first endpoint's planFor: tier and policy order, every policy's selector membership, each endpoint's selecting policies (what a compile does before its first chain)",
  prepare(context: StepContext): PreparedStep | string {
    const model = loadValid(context.sources);
    const first = model.inventory.endpoints[0];
    if (!first) return 'the cluster has no endpoints';
    // buildTierPlan only orders; membership is computed on first use, which the first planFor is.
    return {
      run() {
        const plan = buildTierPlan(model.policySet, model.inventory);
        consume(planFor(plan, first, 'ingress'));
      },
    };
  },
};

export const lintStep: Step = {
  name: 'lint',
  description: 'lintSources: load + every lint rule',
  prepare(context: StepContext): PreparedStep {
    const bySeverity: Record<string, number> = {};
    return {
      run() {
        const outcome = lintSources(context.sources);
        for (const key of Object.keys(bySeverity)) delete bySeverity[key];
        for (const d of outcome.diagnostics) bySeverity[d.severity] = (bySeverity[d.severity] ?? 0) + 1;
      },
      extras: () => ({ findings: { ...bySeverity } }),
    };
  },
};

const workloads = (model: Model) => model.inventory.endpoints.filter((e) => e.kind === 'workload' && e.addresses.length > 0);
const nameOf = (endpoint: Endpoint) => `${endpoint.namespace}/${endpoint.name}`;

function flowSpec(src: Endpoint, dst: Endpoint): FlowSpec {
  return { src: nameOf(src), dst: nameOf(dst), protocol: 'tcp', port: 8080, span: syntheticSpan('<bench>'), fieldSpans: {} };
}

/** One explain query in a process that has the model and plan already (an editor, a server). */
export const explainWarmStep: Step = {
  name: 'explain-warm',
  description: `explain in process, model and plan loaded: resolve + reference evaluator + text (ms per query, ${EXPLAIN_QUERIES} random pod pairs)`,
  prepare(context: StepContext): PreparedStep {
    const model = loadValid(context.sources);
    const plan = planOf(model);
    const directory = new EndpointDirectory(model.inventory);
    const lookup = new RuleLookup(model.policySet);
    const evaluator = referenceEvaluator(plan);
    const pods = workloads(model);
    const random = new Random(context.seed);
    const flows = Array.from({ length: EXPLAIN_QUERIES }, () => flowSpec(random.pick(pods), random.pick(pods)));
    return {
      divisor: EXPLAIN_QUERIES,
      run() {
        for (const spec of flows) {
          const resolved = resolveFlow(spec, directory);
          if (!resolved.ok) throw new Error(`explain: ${resolved.errors[0]?.message}`);
          consume(renderTraceText(evaluator.evaluate(resolved.flow), resolved.flow, lookup, { color: false, verbose: false }));
        }
      },
    };
  },
};

/** `calpol explain` as a user runs it: a new node process that reads the directory. */
export const explainColdStep: Step = {
  name: 'explain-cold',
  spawns: true,
  description: 'calpol explain DIR --src ingress pod --dst web pod --proto tcp --dport 8080 (spawned)',
  prepare(context: StepContext): PreparedStep {
    const pods = workloads(loadValid(context.sources));
    const src = pods.find((e) => e.namespace === 'ingress-nginx');
    const dst = pods.find((e) => e.labels.app === 'web');
    if (!src || !dst) throw new Error('explain-cold: no ingress or web pod in the cluster');
    const args = [...cliNodeFlags(), CLI, 'explain', context.dir, '--src', nameOf(src), '--dst', nameOf(dst), '--proto', 'tcp', '--dport', '8080'];
    let verdict = '';
    return {
      run() {
        const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        if (child.status !== 0 && child.status !== 1) throw new Error(`explain exited ${child.status}: ${child.stderr}`);
        verdict = child.stdout.split('\n')[0] ?? '';
      },
      extras: () => ({ command: `calpol explain DIR --src ${nameOf(src)} --dst ${nameOf(dst)} --proto tcp --dport 8080`, verdict }),
    };
  },
};

export const modelSteps: Step[] = [loadStep, planStep, lintStep, explainWarmStep, explainColdStep];
