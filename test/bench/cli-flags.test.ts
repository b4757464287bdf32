import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI, cliNodeFlags } from '../../bench/cli-flags.js';

describe('the node flags calpol runs with', () => {
  it('come from the CLI entry point’s env -S line, and the bench reads the same', () => {
    expect(cliNodeFlags()).toContain('--max-semi-space-size=64');
    expect(cliNodeFlags()).toContain('--heap-growing-percent=100');
    const first = readFileSync(CLI, 'utf8').split('\n', 1)[0] as string;
    expect(first.startsWith('#!/usr/bin/env')).toBe(true);
    expect(cliNodeFlags()).toEqual(first.replace(/^#!\/usr\/bin\/env\s+(-S\s+)?node\s*/, '').split(/\s+/).filter((flag) => flag !== ''));
  });

  it('let the entry point run as a program (as npm’s bin link runs it)', () => {
    chmodSync(CLI, statSync(CLI).mode | 0o111);
    const child = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
  });
});
