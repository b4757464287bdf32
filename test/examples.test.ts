import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './helpers/cli.js';

/** Every example with an expect file passes its policy unit tests through `calpol test`. */
describe('examples pass their own policy tests', () => {
  const examples = readdirSync(join(repoRoot, 'examples')).filter((name) => existsSync(join(repoRoot, 'examples', name, 'test.flows.yaml')));

  it('has examples with expect files', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  for (const example of examples.sort()) {
    it(example, async () => {
      const result = await runCli(['test', `examples/${example}`, '--expect', `examples/${example}/test.flows.yaml`]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^\d+ passed, 0 failed\n$/m);
      expect(result.code).toBe(0);
    });
  }
});
