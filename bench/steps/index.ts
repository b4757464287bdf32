import { compileSteps, floorSerializeStep, floorYamlStep } from './compile.js';
import { kernelSteps } from './kernel.js';
import { matrixStep } from './matrix.js';
import { modelSteps } from './model.js';
import { packetsStep } from './packets.js';
import type { Step } from './types.js';

export type { Step, StepContext, PreparedStep } from './types.js';

/** Every measured step, in the order the runner runs and prints them. */
export const STEPS: readonly Step[] = [...modelSteps.slice(0, 2), ...compileSteps, floorYamlStep, floorSerializeStep, ...modelSteps.slice(2), matrixStep, packetsStep, ...kernelSteps];

export function stepNamed(name: string): Step {
  const step = STEPS.find((candidate) => candidate.name === name);
  if (!step) throw new Error(`unknown step ${name}; steps: ${STEPS.map((s) => s.name).join(', ')}`);
  return step;
}
