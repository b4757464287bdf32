import { parsePrefix, type Prefix } from '../eval/index.js';
import type { Endpoint, Inventory } from '../model/index.js';
import { matches, type Selector } from '../selector/index.js';

/** An endpoint as a row or column of the matrix. */
export interface MatrixEndpoint {
  endpoint: Endpoint;
  /** As `calpol explain` takes it: `namespace/pod` for workloads, `hep:<name>` for host endpoints. */
  name: string;
  /** The address a flow uses for each family: the endpoint's first of that family (as explain picks it). */
  v4?: Prefix;
  v6?: Prefix;
  /** The same addresses as text (`10.0.0.1`, `fd00::1`), as traces print them. */
  v4Text?: string;
  v6Text?: string;
}

export function endpointName(endpoint: Endpoint): string {
  return endpoint.kind === 'host' ? `hep:${endpoint.name}` : `${endpoint.namespace ?? ''}/${endpoint.name}`;
}

export function addressFor(endpoint: MatrixEndpoint, version: 4 | 6): Prefix | undefined {
  return version === 4 ? endpoint.v4 : endpoint.v6;
}

function toMatrixEndpoint(endpoint: Endpoint): MatrixEndpoint {
  const entry: MatrixEndpoint = { endpoint, name: endpointName(endpoint) };
  for (const address of endpoint.addresses) {
    const prefix = parsePrefix(address);
    // Inventory addresses are normalized CIDRs (`10.0.0.1/32`): the address part is its canonical text.
    const text = address.replace(/\/\d+$/, '');
    if (prefix?.version === 4 && !entry.v4) [entry.v4, entry.v4Text] = [prefix, text];
    if (prefix?.version === 6 && !entry.v6) [entry.v6, entry.v6Text] = [prefix, text];
  }
  return entry;
}

export interface EndpointSelection {
  /** Every endpoint with an address that is a source or a destination, sorted by key. */
  endpoints: MatrixEndpoint[];
  /** Positions in `endpoints` of the sources (rows) and destinations (columns), ascending. */
  sources: number[];
  destinations: number[];
}

const byKey = (a: Endpoint, b: Endpoint) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The rows and columns: endpoints with at least one address, whose effective labels the
 * `from` (sources) and `to` (destinations) selectors match; all of them when absent.
 */
export function selectEndpoints(inventory: Inventory, from?: Selector, to?: Selector): EndpointSelection {
  const endpoints: MatrixEndpoint[] = [];
  const sources: number[] = [];
  const destinations: number[] = [];
  for (const endpoint of [...inventory.endpoints].sort(byKey)) {
    const entry = toMatrixEndpoint(endpoint);
    if (!entry.v4 && !entry.v6) continue;
    const isSource = !from || matches(from, endpoint.labels);
    const isDestination = !to || matches(to, endpoint.labels);
    if (!isSource && !isDestination) continue;
    if (isSource) sources.push(endpoints.length);
    if (isDestination) destinations.push(endpoints.length);
    endpoints.push(entry);
  }
  return { endpoints, sources, destinations };
}
