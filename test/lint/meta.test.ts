import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/lint/index.js';
import { repoRoot } from '../helpers/cli.js';

/**
 * Keeps the rule registry, the rule docs and the per-rule tests in step: a rule without a
 * doc or a test, or a doc or test without a rule, fails here.
 */
describe('lint rule registry', () => {
  const rules = allRules();
  const ids = rules.map((rule) => rule.id);

  it('has unique, kebab-case ids, each with a description and messages', () => {
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of rules) {
      expect(rule.id, rule.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(rule.description.length, rule.id).toBeGreaterThan(10);
      expect(Object.keys(rule.messages).length, rule.id).toBeGreaterThan(0);
      expect(['error', 'warning', 'info']).toContain(rule.severity);
    }
  });

  it('documents every rule in docs/rules/<id>.md, and documents nothing else', () => {
    const docs = readdirSync(join(repoRoot, 'docs/rules'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => name.slice(0, -3))
      .sort();
    expect(docs).toEqual([...ids].sort());
    for (const id of ids) {
      const text = readFileSync(join(repoRoot, 'docs/rules', `${id}.md`), 'utf8');
      expect(text.startsWith(`# ${id}`), `docs/rules/${id}.md starts with "# ${id}"`).toBe(true);
    }
  });

  it('tests every rule in test/lint/rules/<id>.test.ts', () => {
    for (const id of ids) {
      const path = join(repoRoot, 'test/lint/rules', `${id}.test.ts`);
      expect(existsSync(path), path).toBe(true);
      expect(readFileSync(path, 'utf8'), path).toContain(`'${id}'`);
    }
    const tests = readdirSync(join(repoRoot, 'test/lint/rules'))
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => name.slice(0, -'.test.ts'.length));
    for (const test of tests) expect(ids, `test/lint/rules/${test}.test.ts has no rule`).toContain(test);
  });
});
