import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';

const root = join(import.meta.dirname, '..', '..', '..');

/** The calpol nft JSON schema, compiled once (draft 2020-12, no ajv-formats). */
export function schemaValidator(): (document: unknown) => { valid: boolean; errors: ErrorObject[] } {
  const Ajv2020 = (Ajv2020Module as unknown as { default: typeof Ajv2020Module }).default ?? Ajv2020Module;
  const ajv = new (Ajv2020 as unknown as new (options: object) => import('ajv').default)({ allErrors: true, strict: true });
  const schema = JSON.parse(readFileSync(join(root, 'schema', 'nftables-calpol.schema.json'), 'utf8')) as object;
  const validate = ajv.compile(schema);
  return (document) => {
    const valid = validate(document) as boolean;
    return { valid, errors: validate.errors ?? [] };
  };
}

/**
 * Real nft, when the tests run as root and nft is installed (CI installs nftables and runs
 * as root). Otherwise the kernel tests are skipped with a printed notice.
 */
function nftAvailability(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'not Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not running as root' };
  if (spawnSync('nft', ['--version']).status !== 0) return { ok: false, reason: 'nft is not installed (Debian package nftables)' };
  if (spawnSync('ip', ['-V']).status !== 0) return { ok: false, reason: 'ip is not installed (Debian package iproute2)' };
  return { ok: true };
}

export const nft = nftAvailability();

export interface NftRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface Namespace {
  name: string;
  /** Runs `nft ARGS` inside the namespace; `file` is written to a temporary file passed as the last argument. */
  nft(args: string[], file?: string): NftRun;
}

function result(run: SpawnSyncReturns<string>): NftRun {
  return { status: run.status, stdout: run.stdout ?? '', stderr: run.stderr ?? run.error?.message ?? '' };
}

/** Namespaces this process created and has not deleted yet (deleted on exit if a test is cut short). */
const live = new Set<string>();
process.on('exit', () => {
  for (const name of live) spawnSync('ip', ['netns', 'del', name]);
});

/**
 * Runs `body` with a fresh network namespace of its own (`calpol-nfttest-<pid>-<random>`)
 * and deletes exactly that namespace afterwards, also when the body throws.
 */
export function withNamespace<T>(body: (namespace: Namespace) => T): T {
  const name = `calpol-nfttest-${process.pid}-${randomBytes(4).toString('hex')}`;
  const created = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`ip netns add ${name} failed: ${created.stderr}`);
  live.add(name);
  const directory = mkdtempSync(join(tmpdir(), 'calpol-nft-'));
  try {
    let files = 0;
    return body({
      name,
      nft(args, file) {
        const extra: string[] = [];
        if (file !== undefined) {
          const path = join(directory, `input-${files++}`);
          writeFileSync(path, file);
          extra.push(path);
        }
        return result(spawnSync('ip', ['netns', 'exec', name, 'nft', ...args, ...extra], { encoding: 'utf8', timeout: 60_000 }));
      },
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
    spawnSync('ip', ['netns', 'del', name]);
    live.delete(name);
  }
}
