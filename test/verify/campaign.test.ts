import { describe, expect, it } from 'vitest';
import { labAvailability, listNamespaces, targetUnavailable, type VerifyTarget } from '../../src/verify/index.js';
import { runCampaign } from './campaign.js';

/**
 * The seeded kernel campaign (root only; skipped with a printed notice elsewhere): random
 * clusters and flows (test/eval/run-generate.ts) compiled for nft, iptables-nft and
 * iptables-legacy, loaded into lab nodes and probed; reference, emitted-ruleset run and
 * kernel must agree on every flow. The seed and the numbers are printed; replay with
 * CALPOL_SEED=<seed> (CALPOL_VERIFY_CLUSTERS=<n> for a longer campaign).
 */

const SEED = Number(process.env.CALPOL_SEED ?? 20_261_123);
const CLUSTERS = Number(process.env.CALPOL_VERIFY_CLUSTERS ?? 20);
const FLOWS_PER_CLUSTER = 40;

const availability = labAvailability();
if (!availability.ok) console.warn(`[calpol] SKIPPED kernel campaign: ${availability.reason}`);
const targets: VerifyTarget[] = (['nft', 'iptables', 'iptables-legacy'] as const).filter((target) => {
  const missing = targetUnavailable(target);
  if (missing && availability.ok) console.warn(`[calpol] SKIPPED kernel campaign target ${target}: ${missing}`);
  return !missing;
});

describe.skipIf(!availability.ok)('kernel campaign', () => {
  it(`reference = emitted = kernel on ${CLUSTERS} random clusters × ≤${FLOWS_PER_CLUSTER} flows (seed ${SEED}; rerun with CALPOL_SEED=<seed>)`, async () => {
    const started = performance.now();
    const report = await runCampaign({ seed: SEED, clusters: CLUSTERS, flowsPerCluster: FLOWS_PER_CLUSTER, targets });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const leftOut = [...report.leftOut].map(([reason, count]) => `${count} ${reason}`).join(', ');
    const lines = [`[calpol] kernel campaign, seed ${SEED}: ${report.clusters} clusters (${report.refused} refused by the compiler) in ${seconds} s; candidate flows left out: ${leftOut}`];
    for (const t of report.tallies) {
      lines.push(
        t.unavailable
          ? `[calpol]   ${t.target}: not available here (${t.unavailable})`
          : `[calpol]   ${t.target}: ${t.checked} flows, ${t.agree} agree, ${t.mismatches.length} mismatches, ${t.errors.length} probe errors, ${t.labs} labs, ${t.seconds.toFixed(1)} s in labs`,
      );
    }
    console.log(lines.join('\n'));
    const failures = report.tallies.flatMap((t) => [...t.mismatches, ...t.errors].map((f) => `${t.target} ${f.label}: reference ${f.reference}, emitted ${f.emitted}, kernel ${f.kernel} ${f.kernelDetail ?? ''}`));
    expect(failures, report.firstDisagreement).toEqual([]);
    for (const tally of report.tallies) {
      if (tally.unavailable) {
        expect(tally.target, `only iptables-legacy may be missing from the kernel: ${tally.unavailable}`).toBe('iptables-legacy');
        continue;
      }
      expect(tally.checked).toBeGreaterThan(CLUSTERS * 10);
    }
    expect((await listNamespaces()).filter((name) => name.startsWith(`calpol-${process.pid}-`))).toEqual([]);
  }, 300_000);
});
