import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateCstDts } from '../../grammar/chevrotain.js';
import { describe, expect, it } from 'vitest';
import { SelectorParser } from '../../grammar/selector-parser.js';

const file = resolve(import.meta.dirname, '../../grammar/cst.generated.d.ts');
const header = [
  '// Generated from grammar/selector-parser.ts by chevrotain generateCstDts. Do not edit.',
  '// Regenerate: CALPOL_UPDATE_CST=1 npx vitest run test/selector/cst-types.test.ts',
  '',
].join('\n');

describe('CST types', () => {
  it('grammar/cst.generated.d.ts matches the grammar', () => {
    const expected = header + generateCstDts(new SelectorParser().getGAstProductions());
    if (process.env.CALPOL_UPDATE_CST) writeFileSync(file, expected);
    expect(existsSync(file) ? readFileSync(file, 'utf8') : '').toBe(expected);
  });
});
