import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildProgram, type Program } from '../../../src/ir/index.js';
import { loadModel, normalize } from '../../../src/model/index.js';
import { buildTierPlan, parseFailsafePorts } from '../../../src/tiers/index.js';
import { clusterArb, clusterResources } from '../../matrix/generate.js';

/** Programs the IR builder makes: every bundled example, and seeded generated clusters. */

const root = join(import.meta.dirname, '..', '..', '..');
const examplesDir = join(root, 'examples');

function exampleProgram(name: string): Program {
  const directory = join(examplesDir, name);
  const files = readdirSync(directory)
    .filter((file) => /\.ya?ml$/.test(file) && !file.includes('.flows.'))
    .sort()
    .map((file) => ({ file: join('examples', name, file), bytes: readFileSync(join(directory, file)) }));
  const model = loadModel(files);
  return buildProgram(buildTierPlan(model.policySet, model.inventory)).program;
}

function failsafePorts(text: string) {
  const parsed = parseFailsafePorts(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.ports;
}

function generatedPrograms(count: number, seed: number): Program[] {
  return fc.sample(clusterArb, { seed, numRuns: count }).map((shape) => {
    const normalized = normalize(clusterResources(shape));
    const failsafe = { inbound: failsafePorts('tcp:22,tcp:10.0.0.0/24:5432'), outbound: failsafePorts('udp:53,tcp:fd00::/64:8080') };
    return buildProgram(buildTierPlan(normalized.policySet, normalized.inventory, { failsafe })).program;
  });
}

const examples = readdirSync(examplesDir).filter((name) => statSync(join(examplesDir, name)).isDirectory()).sort();

/** [name, program factory] for every example and `generated` clusters. */
export function builtPrograms(generated = 12): [string, () => Program][] {
  return [
    ...examples.map((name): [string, () => Program] => [`example ${name}`, () => exampleProgram(name)]),
    ...generatedPrograms(generated, 20260823).map((program, i): [string, () => Program] => [`generated cluster ${i}`, () => program]),
  ];
}
