import { describe, expect, it } from 'vitest';
import { ipv4Net } from '../../src/ir/members.js';
import { formatPrefix } from '../../src/ir/index.js';
import { parsePrefix } from '../../src/model/index.js';

/** What the IR made of an address before the hand-written reader: parsePrefix, then formatPrefix. */
function reference(text: string) {
  const prefix = parsePrefix(text);
  if (!prefix) return undefined;
  const canonical = formatPrefix(prefix);
  return { prefix, text: canonical, address: canonical.slice(0, canonical.lastIndexOf('/')) };
}

describe('ipv4Net', () => {
  it('reads dotted quads and CIDRs as parsePrefix and formatPrefix do', () => {
    const texts = ['10.64.0.5', '10.64.0.5/32', '10.64.0.5/24', '0.0.0.0/0', '255.255.255.255', '255.255.255.255/1', '010.001.0.9/31', '1.2.3.4/032'];
    for (const text of texts) expect(ipv4Net(text)).toEqual(reference(text));
  });

  it('leaves everything else to parsePrefix', () => {
    const texts = ['', '1.2.3', '1.2.3.4.5', '1..2.3', '256.1.1.1', '1234.1.1.1', '1.2.3.4/', '1.2.3.4/33', '1.2.3.4/1/2', '1.2.3.4x', ' 1.2.3.4', '::1', 'fd00::/64', '::ffff:1.2.3.4'];
    for (const text of texts) expect(ipv4Net(text)).toBeUndefined();
  });

  it('agrees with parsePrefix on random addresses and lengths', () => {
    let state = 12345;
    const next = (n: number) => ((state = (state * 1103515245 + 12345) % 2147483648), state % n);
    for (let i = 0; i < 5000; i++) {
      const text = `${next(300)}.${next(300)}.${next(300)}.${next(300)}${next(2) ? `/${next(40)}` : ''}`;
      const net = ipv4Net(text);
      if (net) expect(net).toEqual(reference(text));
      else expect(reference(text)).toBeUndefined();
    }
  });
});
