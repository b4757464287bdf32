import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/cli.js';

/** A seed input of the fuzz campaign: one multi-document text, with flows to explain and test. */
export interface SeedInput {
  name: string;
  text: string;
  /** A flow file's text (examples have one), or undefined. */
  flows?: string;
  /** Endpoints for explain: from the first flow, or two addresses. */
  explain: string[];
}

function yamlFiles(directory: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(directory).sort()) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.(ya?ml|json)$/.test(name) && !name.endsWith('.flows.yaml') && name !== 'manifest.json') out.push(path);
  }
  return out;
}

function explainArguments(flows: string | undefined): string[] {
  const fallback = ['--src', '10.65.0.10', '--dst', '10.65.0.20', '--proto', 'tcp', '--dport', '80'];
  if (!flows) return fallback;
  const [first] = (parse(flows) as { src?: string; dst?: string; protocol?: string; port?: number }[] | null) ?? [];
  if (!first?.src || !first.dst) return fallback;
  const protocol = (first.protocol ?? 'TCP').toLowerCase();
  return ['--src', first.src, '--dst', first.dst, '--proto', protocol, ...(first.port !== undefined ? ['--dport', String(first.port)] : [])];
}

/** Every example (its files joined), then every file of the real-world corpus when present. */
export function seedInputs(): SeedInput[] {
  const seeds: SeedInput[] = [];
  const examples = join(repoRoot, 'examples');
  for (const example of readdirSync(examples).sort()) {
    const directory = join(examples, example);
    const flowsPath = join(directory, 'test.flows.yaml');
    const flows = existsSync(flowsPath) ? readFileSync(flowsPath, 'utf8') : undefined;
    const text = yamlFiles(directory)
      .map((path) => readFileSync(path, 'utf8').trimEnd())
      .join('\n---\n');
    seeds.push({ name: `examples/${example}`, text: `${text}\n`, ...(flows ? { flows } : {}), explain: explainArguments(flows) });
  }
  const corpus = join(repoRoot, 'test/corpus/real-world');
  if (existsSync(corpus)) {
    for (const path of yamlFiles(corpus)) {
      seeds.push({ name: relative(repoRoot, path), text: readFileSync(path, 'utf8'), explain: explainArguments(undefined) });
    }
  }
  return seeds;
}
