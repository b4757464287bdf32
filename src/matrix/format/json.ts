import type { MatrixResult } from '../verdicts.js';
import type { CellNotes } from './shared.js';

/**
 * `{ports, endpoints, sources, destinations, cells}`: one port, endpoint or cell per line
 * (compact objects) so that large matrices stay readable and diffs stay small.
 */
export function renderJson(result: MatrixResult, notes: CellNotes): string {
  const ports = result.probes.map((probe) => ({ protocol: probe.protocol, port: probe.port ?? null, label: probe.label }));
  const endpoints = result.endpoints.map((entry) => ({
    name: entry.name,
    key: entry.endpoint.key,
    kind: entry.endpoint.kind,
    namespace: entry.endpoint.namespace ?? null,
    node: entry.endpoint.node ?? null,
    addresses: entry.endpoint.addresses,
  }));
  const names = (positions: number[]) => positions.map((position) => result.endpoints[position]?.name ?? '');
  const cells = result.cells.map((cell) => {
    const probe = result.probes[cell.probe];
    const note = notes(cell);
    return {
      src: result.endpoints[cell.source]?.name ?? '',
      dst: result.endpoints[cell.destination]?.name ?? '',
      protocol: probe?.protocol ?? '',
      port: probe?.port ?? null,
      ipVersion: cell.ipVersion,
      verdict: cell.verdict,
      policy: note.policy,
      fact: note.fact,
    };
  });
  const list = (items: unknown[]) => (items.length === 0 ? '[]' : `[\n${items.map((item) => `    ${JSON.stringify(item)}`).join(',\n')}\n  ]`);
  return [
    '{',
    `  "ports": ${list(ports)},`,
    `  "endpoints": ${list(endpoints)},`,
    `  "sources": ${JSON.stringify(names(result.sources))},`,
    `  "destinations": ${JSON.stringify(names(result.destinations))},`,
    `  "cells": ${list(cells)}`,
    '}',
    '',
  ].join('\n');
}
