import { describe, expect, it } from 'vitest';
import { lintSources } from '../../../src/lint/index.js';
import { positions } from '../../helpers/lint.js';

const CODE = 'unreadable-input';

function lintBytes(bytes: Uint8Array) {
  return lintSources([{ file: 'input.yaml', bytes }]).diagnostics.filter((d) => d.code === CODE);
}

describe("rule 'unreadable-input'", () => {
  it('refuses a binary file at 1:1', () => {
    expect(positions(lintBytes(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00, 0x00])))).toEqual([{ severity: 'error', line: 1, column: 1 }]);
  });

  it('refuses invalid UTF-8 at 1:1', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('kind: Tier\nmetadata:\n  name: caf'), 0xe9, 0x0a]);
    expect(positions(lintBytes(bytes))).toEqual([{ severity: 'error', line: 1, column: 1 }]);
  });

  it('reads UTF-16 with a byte order mark', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n';
    const bytes = new Uint8Array([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(lintBytes(bytes)).toEqual([]);
  });
});
