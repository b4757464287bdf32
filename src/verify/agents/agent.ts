/**
 * The lab agent: one long-lived process per lab namespace, started with
 * `ip netns exec <ns> node agent.js`. It answers JSON-line requests (see protocol.ts):
 * write sysctls of its namespace, run TCP/UDP echo servers, and make TCP/UDP/ICMP round
 * trips to an address. It exits when its stdin closes, so it never outlives the lab.
 *
 * Self-contained on purpose (node built-ins and type-only imports): the lab runs it from
 * dist/ after tsc, or transpiles this one file when running from source.
 */
import { spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer, isIPv6, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import type { AgentRequest, AgentResponse, ProbeFailureReason, SysctlEntry } from './protocol.js';

const servers = new Map<string, Server | UdpSocket>();
const SYSCTL_PATH = /^net\/[A-Za-z0-9_.\-/]+$/;

function send(response: AgentResponse): void {
  process.stdout.write(`${JSON.stringify(response)}\n`);
}

function reasonOf(error: NodeJS.ErrnoException): ProbeFailureReason {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EACCES':
    case 'EPERM':
      return 'unreachable';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    default:
      return 'error';
  }
}

function failureOf(error: NodeJS.ErrnoException): Omit<AgentResponse, 'id'> {
  return { ok: false, reason: reasonOf(error), detail: error.code ?? error.message };
}

function writeSysctls(id: number, entries: SysctlEntry[]): AgentResponse {
  for (const { path, value } of entries) {
    if (!SYSCTL_PATH.test(path) || path.includes('..') || !/^[0-9]+$/.test(value)) {
      return { id, ok: false, reason: 'error', detail: `refused sysctl ${path}=${value}` };
    }
    try {
      writeFileSync(`/proc/sys/${path}`, value);
    } catch (error) {
      return { id, ok: false, reason: 'error', detail: `cannot write /proc/sys/${path}: ${(error as Error).message}` };
    }
  }
  return { id, ok: true };
}

/**
 * Echo servers bind the exact address probed, never a wildcard: a UDP reply must leave
 * from the address the request was sent to (the uplink namespace holds several external
 * addresses, and an unbound socket would answer from its primary address).
 */
function listenTcp(address: string, port: number): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = createServer((socket) => {
      socket.on('data', (data) => socket.write(data));
      socket.on('error', () => socket.destroy());
    });
    server.once('error', reject);
    server.listen({ host: address, port, ipv6Only: isIPv6(address) }, () => resolve(server));
  });
}

function listenUdp(address: string, port: number): Promise<UdpSocket> {
  return new Promise<UdpSocket>((resolve, reject) => {
    const socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', ipv6Only: isIPv6(address) });
    socket.on('message', (message, remote) => socket.send(message, remote.port, remote.address));
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.removeListener('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

async function listen(id: number, protocol: 'tcp' | 'udp', address: string, port: number): Promise<AgentResponse> {
  const key = `${protocol}/${address}/${port}`;
  if (servers.has(key)) return { id, ok: true };
  try {
    servers.set(key, protocol === 'tcp' ? await listenTcp(address, port) : await listenUdp(address, port));
    return { id, ok: true };
  } catch (error) {
    return { id, ok: false, reason: 'error', detail: `cannot listen on ${protocol} ${address} port ${port}: ${(error as Error).message}` };
  }
}

async function unlisten(id: number): Promise<AgentResponse> {
  const closing = [...servers.values()].map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
  servers.clear();
  await Promise.all(closing);
  return { id, ok: true };
}

type ConnectRequest = Extract<AgentRequest, { op: 'connect' }>;

/** Settle once: the first of success, failure or timeout wins; `cleanup` always runs. */
function roundTrip(request: ConnectRequest, start: (finish: (r: Omit<AgentResponse, 'id'>) => void) => () => void): Promise<AgentResponse> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    let cleanup: () => void = () => undefined;
    const finish = (result: Omit<AgentResponse, 'id'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cleanup();
      resolve({ id: request.id, ...result, elapsedMs: Math.round(performance.now() - started) });
    };
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout' }), request.timeoutMs);
    cleanup = start(finish);
  });
}

function connectTcp(request: ConnectRequest): Promise<AgentResponse> {
  return roundTrip(request, (finish) => {
    const local = {
      ...(request.sourceAddress ? { localAddress: request.sourceAddress } : {}),
      ...(request.sourcePort ? { localPort: request.sourcePort } : {}),
    };
    const options = { host: request.address, port: request.port, ...local };
    const socket = createConnection(options, () => socket.write(request.token));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      received += data;
      if (received.includes(request.token)) finish({ ok: true });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(failureOf(error)));
    socket.on('close', () => finish({ ok: false, reason: 'reset', detail: 'closed before the echo' }));
    // A reset, not a FIN: no TIME_WAIT is left on the source port, so a retry may reuse it.
    return () => (socket.readyState === 'open' ? socket.resetAndDestroy() : socket.destroy());
  });
}

function connectUdp(request: ConnectRequest): Promise<AgentResponse> {
  return roundTrip(request, (finish) => {
    // reuseAddr: probes to different destinations may share a fixed source port.
    const socket = createSocket({ type: isIPv6(request.address) ? 'udp6' : 'udp4', reuseAddr: true });
    socket.on('message', (message) => {
      if (message.toString('utf8') === request.token) finish({ ok: true });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(failureOf(error)));
    socket.bind({ port: request.sourcePort ?? 0, ...(request.sourceAddress ? { address: request.sourceAddress } : {}) }, () => {
      socket.connect(request.port, request.address, () => socket.send(request.token));
    });
    return () => {
      try {
        socket.close();
      } catch {
        // already closed
      }
    };
  });
}

function ping(request: Extract<AgentRequest, { op: 'ping' }>): Promise<AgentResponse> {
  const started = performance.now();
  const seconds = Math.max(request.timeoutMs, 100) / 1000;
  const source = request.sourceAddress ? ['-I', request.sourceAddress] : [];
  const args = ['-n', '-q', '-c', '1', '-W', seconds.toFixed(2), ...source, request.address];
  return new Promise((resolve) => {
    const elapsed = () => Math.round(performance.now() - started);
    const child = spawn('ping', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString('utf8')));
    child.stderr.on('data', (data: Buffer) => (output += data.toString('utf8')));
    const killer = setTimeout(() => child.kill('SIGKILL'), request.timeoutMs + 2_000);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(killer);
      const missing = error.code === 'ENOENT';
      const detail = missing ? 'ping is not installed (Debian package iputils-ping)' : error.message;
      resolve({ id: request.id, ok: false, reason: missing ? 'tool-missing' : 'error', detail, elapsedMs: elapsed() });
    });
    child.on('close', (code) => {
      clearTimeout(killer);
      if (code === 0) return resolve({ id: request.id, ok: true, elapsedMs: elapsed() });
      const reason: ProbeFailureReason = code === 1 ? (/unreachable/i.test(output) ? 'unreachable' : 'timeout') : 'error';
      resolve({ id: request.id, ok: false, reason, detail: output.trim().split('\n').slice(-1)[0] ?? '', elapsedMs: elapsed() });
    });
  });
}

async function handle(request: AgentRequest): Promise<AgentResponse> {
  switch (request.op) {
    case 'sysctl':
      return writeSysctls(request.id, request.entries);
    case 'listen':
      return listen(request.id, request.protocol, request.address, request.port);
    case 'connect':
      return request.protocol === 'tcp' ? connectTcp(request) : connectUdp(request);
    case 'ping':
      return ping(request);
    case 'unlisten':
      return unlisten(request.id);
    case 'shutdown':
      setImmediate(() => process.exit(0));
      return { id: request.id, ok: true };
  }
}

function main(): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let request: AgentRequest;
    try {
      request = JSON.parse(line) as AgentRequest;
    } catch {
      send({ id: -1, ok: false, reason: 'error', detail: 'request is not JSON' });
      return;
    }
    handle(request).then(send, (error: Error) => send({ id: request.id, ok: false, reason: 'error', detail: error.message }));
  });
  lines.on('close', () => process.exit(0));
  process.stdout.on('error', () => process.exit(0));
  send({ id: 0, ok: true, detail: 'ready' });
}

main();
