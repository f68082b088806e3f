/** Loopback ports: pick a free one, wait until one accepts. Everything binds 127.0.0.1 only. */
import { readFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';

/** The only address interop servers bind and clients dial. */
export const loopback = '127.0.0.1';

/**
 * A port that was free a moment ago on 127.0.0.1 (bound on port 0, then released). Another
 * process may still take it before the peer binds it, so starters retry a bounded number of
 * times with {@link withFreePort}.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, loopback, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * Calls `start` with a fresh free port until it succeeds, at most `attempts` times (default 3):
 * the bounded answer to the race between {@link freePort} and the peer's bind.
 */
export async function withFreePort<T>(
  start: (port: number) => Promise<T>,
  attempts = 3,
): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Resolves when a TCP connection to `port` succeeds (it is closed at once), within `timeoutMs`. */
export async function waitForPort(
  port: number,
  options: { host?: string; timeoutMs?: number } = {},
): Promise<void> {
  const host = options.host ?? loopback;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (let attempt = 0; Date.now() < deadline && attempt < 1000; attempt++) {
    if (await canConnect(host, port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing accepted on ${host}:${port} within ${options.timeoutMs ?? 10_000} ms`);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Resolves when a socket listens on 127.0.0.1:`port`, read from /proc/net/tcp (Linux) rather than
 * by connecting: a probe connection would count as a client to a peer such as a quiet
 * `openssl s_server -naccept 1`. `failed` is polled too; when it returns a reason, the wait stops.
 */
export async function waitForListener(
  port: number,
  options: { timeoutMs?: number; failed?: () => string | undefined } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Local address 0100007F:PORT (127.0.0.1, little-endian hex), remote 0:0, state 0A (LISTEN).
  const needle = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A`;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 2000 && Date.now() < deadline; attempt++) {
    const reason = options.failed?.();
    if (reason) throw new Error(reason);
    const table = await readFile('/proc/net/tcp', 'utf8').catch(() => '');
    if (table.includes(needle)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/**
 * The local addresses with a socket listening on `port` (from /proc/net/tcp and tcp6), e.g.
 * `['127.0.0.1']`: lets a test prove that a server is bound to loopback only.
 */
export async function listeningAddresses(port: number): Promise<string[]> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const table = await readFile(file, 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, localPort] = (local ?? '').split(':');
      if (state !== '0A' || localPort !== hexPort || !address) continue;
      found.push(address.length === 8 ? ipv4FromProc(address) : `ipv6:${address}`);
    }
  }
  return found;
}

/** /proc/net/tcp prints an IPv4 address as one little-endian 32-bit hex number. */
function ipv4FromProc(hex: string): string {
  const bytes = hex.match(/../g) ?? [];
  return bytes
    .reverse()
    .map((b) => Number.parseInt(b, 16))
    .join('.');
}
