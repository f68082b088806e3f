/**
 * Memory per established, idle connection: RSS (and JS heap) growth of a process holding N open
 * TLS connections, divided by N. Each measurement runs in a fresh child process (this file, run
 * as a script) so that nothing else lives in the RSS: one child per implementation and role.
 *
 * - server role: the child runs the implementation's server; this process opens N node:tls
 *   clients to it and keeps them open.
 * - client role: this process runs a node:tls server; the child opens N clients of the
 *   implementation to it.
 *
 * The baseline is taken after one connection has come and gone (so code loaded and compiled on
 * first use is not charged to the connections) and after a full GC; so is the final figure.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  type Implementation,
  implementations,
  nodeTls,
  nextEvent,
  type Profile,
  secureConnected,
} from './peers.js';
import { markdownTable, ratio, sectionBody } from './report.js';
import { childExecArgv } from './runtime.js';

export type Role = 'server' | 'client';

export interface MemoryBenchOptions {
  readonly connections: number;
  readonly providers?: readonly string[];
  readonly roles?: readonly Role[];
}

export interface MemoryRow {
  readonly role: Role;
  readonly implementation: string;
  readonly connections: number;
  /** Bytes of RSS per connection. */
  readonly rssPerConnection: number;
  /** Bytes of V8 heap (used) plus external memory per connection. */
  readonly heapPerConnection: number;
}

const profile: Profile = { version: 'TLSv1.3', cert: 'ECDSA P-256' };

/** What a child reports. */
interface Usage {
  readonly rss: number;
  readonly heap: number;
}

type ChildMessage =
  | { readonly type: 'ready'; readonly port?: number }
  | { readonly type: 'usage'; readonly usage: Usage };

function usage(): Usage {
  // Twice: the first pass can leave work (finalizers, weak callbacks) for the second.
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external };
}

/** One connection that completes its handshake on both sides and closes cleanly. */
async function warmUp(implementation: Implementation, port: number): Promise<void> {
  const [socket] = await openConnections(implementation, port, 1);
  if (!socket) return;
  // A graceful close: destroying at once can reset the connection before the server has read
  // the client's Finished, and the server would never count it.
  socket.resume();
  socket.end();
  await nextEvent(socket, 'close');
}

async function openConnections(
  implementation: Implementation,
  port: number,
  count: number,
): Promise<Duplex[]> {
  const sockets: Duplex[] = [];
  for (let n = 0; n < count; n++) {
    const socket = implementation.connect(port, profile);
    socket.on('error', () => {});
    await secureConnected(socket);
    sockets.push(socket);
  }
  return sockets;
}

/** Settles pending I/O (tickets, acks) before a measurement. */
const settle = () => new Promise((r) => setTimeout(r, 250));

// ---- the child ----

async function child(name: string, role: Role, count: number, port: number): Promise<void> {
  const send = (message: ChildMessage) => process.send?.(message);
  const messages: string[] = [];
  let wake: (() => void) | undefined;
  process.on('message', (m: string) => {
    messages.push(m);
    wake?.();
  });
  const next = async (): Promise<string> => {
    while (messages.length === 0) await new Promise<void>((r) => (wake = r));
    return messages.shift()!;
  };
  const list = await implementations();
  const implementation = list.find((i) => i.name === name);
  if (!implementation) throw new Error(`no implementation named ${name}`);
  if (role === 'client') {
    await warmUp(implementation, port);
    await settle();
    const before = usage();
    const sockets = await openConnections(implementation, port, count);
    await settle();
    const after = usage();
    send({ type: 'usage', usage: { rss: after.rss - before.rss, heap: after.heap - before.heap } });
    await next();
    for (const socket of sockets) socket.destroy();
    return;
  }
  let secured = 0;
  let target = 1;
  let reached: (() => void) | undefined;
  const server = await implementation.listen(profile, () => {
    secured++;
    if (secured >= target) reached?.();
  });
  const securedAll = async (n: number) => {
    target = n;
    if (secured < n) await new Promise<void>((r) => (reached = r));
  };
  send({ type: 'ready', port: server.port });
  await next(); // the warm-up connection came and went
  await securedAll(1);
  await settle();
  const before = usage();
  send({ type: 'usage', usage: before });
  await next(); // every connection is open
  await securedAll(count + 1);
  await settle();
  const after = usage();
  send({ type: 'usage', usage: { rss: after.rss - before.rss, heap: after.heap - before.heap } });
  await next();
  await server.close();
}

// ---- the parent ----

function spawnChild(name: string, role: Role, count: number, port: number): ChildProcess {
  return fork(
    fileURLToPath(import.meta.url),
    ['--memory-child', name, role, String(count), String(port)],
    {
      execArgv: [...childExecArgv(), '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
}

/** The child's next message; an exit before it is an error (so is 10 minutes of silence). */
async function nextMessage(child: ChildProcess): Promise<ChildMessage> {
  const onExit = (code: number | null) =>
    child.emit('error', new Error(`memory child exited: ${code}`));
  child.once('exit', onExit);
  try {
    const [message] = await nextEvent(child, 'message', 600_000);
    return message as ChildMessage;
  } finally {
    child.off('exit', onExit);
  }
}

async function measureRole(
  implementation: Implementation,
  role: Role,
  count: number,
): Promise<Usage> {
  if (role === 'client') {
    const server = await nodeTls.listen(profile, () => {});
    const child = spawnChild(implementation.name, role, count, server.port);
    try {
      const message = await nextMessage(child);
      if (message.type !== 'usage') throw new Error('memory child: expected its usage');
      child.send('done');
      return message.usage;
    } finally {
      child.kill();
      await server.close();
    }
  }
  const child = spawnChild(implementation.name, role, count, 0);
  let sockets: Duplex[] = [];
  try {
    const ready = await nextMessage(child);
    if (ready.type !== 'ready' || ready.port === undefined)
      throw new Error('memory child: no port');
    await warmUp(nodeTls, ready.port);
    child.send('warm');
    await nextMessage(child); // its baseline
    sockets = await openConnections(nodeTls, ready.port, count);
    child.send('open');
    const grown = await nextMessage(child);
    if (grown.type !== 'usage') throw new Error('memory child: expected its usage');
    child.send('done');
    return grown.usage;
  } finally {
    for (const socket of sockets) socket.destroy();
    child.kill();
  }
}

export async function runMemoryBench(options: MemoryBenchOptions): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  for (const role of options.roles ?? (['server', 'client'] as const)) {
    for (const implementation of await implementations(options.providers)) {
      const grown = await measureRole(implementation, role, options.connections);
      rows.push({
        role,
        implementation: implementation.name,
        connections: options.connections,
        rssPerConnection: grown.rss / options.connections,
        heapPerConnection: grown.heap / options.connections,
      });
    }
  }
  return rows;
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);

export function memoryTable(rows: readonly MemoryRow[]): string {
  return markdownTable(
    [
      'role',
      'implementation',
      'connections',
      'RSS KiB/conn',
      'heap+external KiB/conn',
      'RSS vs node:tls',
    ],
    rows.map((row) => [
      row.role,
      row.implementation,
      String(row.connections),
      kib(row.rssPerConnection),
      kib(row.heapPerConnection),
      ratio(
        row.rssPerConnection,
        rows.find((r) => r.implementation === 'node:tls' && r.role === row.role)?.rssPerConnection,
      ),
    ]),
    2,
  );
}

export function memorySection(rows: readonly MemoryRow[], command: string): string {
  return sectionBody({
    heading: 'Memory per idle connection',
    command,
    method: `Each row is a fresh child process holding ${rows[0]?.connections ?? 'N'} established,
idle TLS 1.3 connections (x25519, ECDSA P-256): as **server**, the child runs the implementation's
server and the benchmark opens node:tls clients to it; as **client**, the child opens the
implementation's clients to a node:tls server in the benchmark. The figure is the growth of the
child's RSS (and of V8's used heap plus external buffers) from a baseline taken after one
connection has come and gone and a full GC, to the same point with every connection open, divided
by the number of connections. Lower is better; the ratio is RSS over node:tls's.`,
    table: memoryTable(rows),
  });
}

if (
  process.argv[2] === '--memory-child' &&
  resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)
) {
  const [name, role, count, port] = process.argv.slice(3);
  child(name ?? '', role === 'client' ? 'client' : 'server', Number(count), Number(port)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
