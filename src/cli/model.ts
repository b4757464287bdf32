import { formatText } from '../lint/index.js';
import { loadModel, type DeclaredTier, type Inventory, type Model, type ModelOptions } from '../model/index.js';
import { buildTierPlan, defaultFailsafe, parseFailsafePorts, type FailsafeConfig, type TieBreak, type TierPlan } from '../tiers/index.js';
import { UserError } from './errors.js';
import { useColor, type Io } from './io.js';
import { readSources, sourceLineLookup } from './sources.js';

/**
 * Reads and loads the inputs of a command that needs a valid model (explain, test,
 * compile...). Any error in the input is printed (file:line:col, source line, caret)
 * and the command stops with exit 2 before producing output; warnings go to stderr.
 */
export async function loadValidModel(paths: readonly string[], io: Io, options: ModelOptions = {}): Promise<Model> {
  const sources = await readSources(paths, io);
  const model = loadModel(sources, options);
  const shown = model.hasErrors ? model.diagnostics : model.diagnostics.filter((d) => d.severity !== 'info');
  if (shown.length > 0) {
    const text = formatText(shown, { color: useColor(io), sourceLine: sourceLineLookup(sources) });
    if (model.hasErrors) throw new UserError(text.trimEnd() + '\ncalpol: the input has errors; nothing was produced (run calpol lint for details)');
    io.stderr(text);
  }
  return model;
}

export interface PlanFlags {
  tieBreak?: TieBreak;
  failsafeInbound?: string;
  failsafeOutbound?: string;
  allowUnsupported?: boolean;
  /** `--tier NAME[:ORDER]`, repeatable: tiers defined outside the inputs. */
  tier?: DeclaredTier[];
}

/** The model options every command that evaluates policy takes from its flags. */
export function modelOptionsFromFlags(flags: PlanFlags): ModelOptions {
  return { allowUnsupported: flags.allowUnsupported ?? false, ...(flags.tier ? { declaredTiers: flags.tier } : {}) };
}

function failsafeList(text: string | undefined, flag: string): FailsafeConfig['inbound'] | undefined {
  if (text === undefined) return undefined;
  const parsed = parseFailsafePorts(text);
  if (!parsed.ok) throw new UserError(`calpol: ${flag}: ${parsed.error}`);
  return parsed.ports;
}

/** The plan of the model's policies over its inventory, or over `inventory` (a part of it) when given. */
export function planFromFlags(model: Model, flags: PlanFlags, inventory: Inventory = model.inventory): TierPlan {
  const defaults = defaultFailsafe();
  const failsafe: FailsafeConfig = {
    inbound: failsafeList(flags.failsafeInbound, '--failsafe-inbound') ?? defaults.inbound,
    outbound: failsafeList(flags.failsafeOutbound, '--failsafe-outbound') ?? defaults.outbound,
  };
  return buildTierPlan(model.policySet, inventory, { tieBreak: flags.tieBreak ?? 'calpol', failsafe });
}
