import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The pipeline's layering rule (docs/design.md): a stage imports only stages with a lower
 * number, and only through that stage's index.ts. `grammar/` belongs to the selector stage.
 */
const STAGES: Record<string, number> = {
  diag: 0,
  selector: 1,
  model: 2,
  tiers: 3,
  ir: 4,
  'emit/nft': 5,
  'emit/iptables': 5,
  eval: 6,
  lint: 7,
  explain: 8,
  matrix: 8,
  diff: 8,
  verify: 8,
  cli: 9,
};

const root = resolve(import.meta.dirname, '..');

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** The stage a file belongs to, e.g. src/emit/nft/x.ts → 'emit/nft'; grammar/ → 'selector'. */
function stageOf(file: string): string | undefined {
  const rel = relative(root, file).split(sep).join('/');
  if (rel.startsWith('grammar/')) return 'selector';
  const match = /^src\/((?:emit\/)?[^/]+)\//.exec(rel);
  return match?.[1];
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) specifiers.push((match[1] ?? match[2]) as string);
  return specifiers.filter((s) => s.startsWith('.'));
}

describe('stage layering', () => {
  const files = [...walk(join(root, 'src')), ...walk(join(root, 'grammar'))];

  it('knows every stage folder under src/', () => {
    for (const file of files) {
      const stage = stageOf(file);
      if (relative(root, file).startsWith('src')) expect(stage && stage in STAGES, file).toBe(true);
    }
  });

  it('imports only earlier stages, through their index.ts', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = stageOf(file);
      if (!from) continue;
      for (const specifier of importsOf(file)) {
        const target = resolve(dirname(file), specifier);
        const to = stageOf(target);
        if (!to || to === from) continue;
        const rel = relative(root, file);
        const fromRank = STAGES[from] as number;
        const toRank = STAGES[to] as number;
        if (toRank >= fromRank) violations.push(`${rel}: stage ${from} imports later or sibling stage ${to}`);
        const targetRel = relative(root, target).split(sep).join('/');
        const isIndex = targetRel === `src/${to}/index.js` || targetRel === `src/${to}/index.ts`;
        if (!isIndex) violations.push(`${rel}: imports ${specifier}, not src/${to}/index.js`);
      }
    }
    expect(violations).toEqual([]);
  });
});
