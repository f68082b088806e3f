/**
 * Records from a real peer: `openssl s_client` talks to `openssl s_server -rev` through a local
 * TCP proxy that captures both directions; the client's key log (NSS format) gives the secrets.
 * Our RecordReader must deframe, deprotect and reassemble every record OpenSSL produced, for
 * TLS 1.3 and the TLS 1.2 AEAD suites, and find the application data in it. Binds 127.0.0.1 only;
 * skipped when no `openssl` binary is installed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleProvider } from '@tlskit/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RecordEvent,
  RecordReader,
  Tls12RecordProtection,
  Tls13RecordProtection,
} from '../src/index.js';
import type { AeadName } from './node-records.js';
import { hkdfExpandLabel } from './rfc8448.js';
import { drain } from './drain.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Capture {
  readonly toServer: Uint8Array;
  readonly toClient: Uint8Array;
  readonly keylog: Map<string, Uint8Array>;
  readonly clientOutput: string;
}

const line = 'hello from tlskit record tests';
let dir = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Connects to 127.0.0.1:port, retrying while the listener is not up yet (bounded: ~10 s). */
async function connectWhenReady(port: number): Promise<Socket> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const socket = await new Promise<Socket | undefined>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(undefined));
    });
    if (socket) return socket;
    await wait(100);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/** Runs one s_client <-> proxy <-> s_server connection and returns what crossed the proxy. */
async function capture(versionArgs: readonly string[], tag: string): Promise<Capture> {
  const serverPort = await freePort();
  const server = spawn(
    'openssl',
    [
      's_server',
      '-accept',
      `127.0.0.1:${serverPort}`,
      '-cert',
      join(dir, 'cert.pem'),
      '-key',
      join(dir, 'key.pem'),
      '-naccept',
      '1',
      '-rev',
      ...versionArgs,
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  // The proxy connects upstream only when the client arrives, retrying until s_server listens,
  // so that no probe connection uses up s_server's single accept.
  const proxy = createServer((downstream) => {
    downstream.pause();
    connectWhenReady(serverPort).then(
      (upstream) => {
        downstream.on('data', (chunk: Buffer) => {
          toServer.push(chunk);
          upstream.write(chunk);
        });
        upstream.on('data', (chunk: Buffer) => {
          toClient.push(chunk);
          downstream.write(chunk);
        });
        downstream.on('end', () => upstream.end());
        upstream.on('end', () => downstream.end());
        downstream.on('error', () => upstream.destroy());
        upstream.on('error', () => downstream.destroy());
        downstream.resume();
      },
      () => downstream.destroy(),
    );
  });
  try {
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    if (address === null || typeof address === 'string') throw new Error('no proxy port');
    const keylogFile = join(dir, `keylog-${tag}.txt`);
    const client = spawn(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${address.port}`,
        '-keylogfile',
        keylogFile,
        '-quiet',
        '-no_ign_eof',
        ...versionArgs,
      ],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    let clientOutput = '';
    client.stdout.on('data', (chunk: Buffer) => {
      clientOutput += chunk.toString('latin1');
    });
    const exited = new Promise((resolve) => client.once('exit', resolve));
    client.stdin.write(`${line}\n`);
    const reversed = [...line].reverse().join('');
    for (let i = 0; i < 150 && !clientOutput.includes(reversed); i++) await wait(100);
    client.stdin.end();
    await Promise.race([exited, wait(10_000)]);
    client.kill();
    const keylog = new Map<string, Uint8Array>();
    for (const entry of readFileSync(keylogFile, 'utf8').split('\n')) {
      const [label, , secret] = entry.trim().split(' ');
      if (label && secret) keylog.set(label, Uint8Array.from(Buffer.from(secret, 'hex')));
    }
    return {
      toServer: Buffer.concat(toServer),
      toClient: Buffer.concat(toClient),
      keylog,
      clientOutput,
    };
  } finally {
    server.kill();
    proxy.close();
  }
}

function appData(events: readonly RecordEvent[]): string {
  return events
    .map((e) => (e.type === 'applicationData' ? Buffer.from(e.data).toString('latin1') : ''))
    .join('');
}

const tls13Suites: Record<
  number,
  { aead: AeadName; hash: 'sha256' | 'sha384'; keyLength: number }
> = {
  4865: { aead: 'AES-128-GCM', hash: 'sha256', keyLength: 16 },
  4866: { aead: 'AES-256-GCM', hash: 'sha384', keyLength: 32 },
  4867: { aead: 'CHACHA20-POLY1305', hash: 'sha256', keyLength: 32 },
};

const tls12Suites: Record<
  number,
  { aead: AeadName; hash: 'sha256' | 'sha384'; keyLength: number; ivLength: number }
> = {
  49195: { aead: 'AES-128-GCM', hash: 'sha256', keyLength: 16, ivLength: 4 },
  49196: { aead: 'AES-256-GCM', hash: 'sha384', keyLength: 32, ivLength: 4 },
  52393: { aead: 'CHACHA20-POLY1305', hash: 'sha256', keyLength: 32, ivLength: 12 },
};

/** The cipher suite of a ServerHello message. */
function serverHelloSuite(message: Uint8Array): number {
  const at = 4 + 2 + 32 + 1 + message[4 + 2 + 32]!;
  return (message[at]! << 8) | message[at + 1]!;
}

/** RFC 5246 section 5: PRF(secret, label, seed) = P_hash(secret, label || seed). */
function prf(
  hash: 'sha256' | 'sha384',
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const labelSeed = Buffer.concat([Buffer.from(label, 'ascii'), seed]);
  const out: Buffer[] = [];
  let a: Buffer = Buffer.from(labelSeed);
  for (let have = 0; have < length; ) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret)
      .update(Buffer.concat([a, labelSeed]))
      .digest();
    out.push(block);
    have += block.length;
  }
  return Uint8Array.from(Buffer.concat(out).subarray(0, length));
}

describe.skipIf(!hasOpenssl())('records of a real OpenSSL 3 connection', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlskit-record-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const suite of [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
  ]) {
    it(`TLS 1.3 ${suite}: reads every record both ways`, async () => {
      const run = await capture(['-tls1_3', '-ciphersuites', suite], suite);
      const key = async (
        hash: 'sha256' | 'sha384',
        aead: AeadName,
        keyLength: number,
        label: string,
      ) => {
        const secret = run.keylog.get(label);
        if (!secret) throw new Error(`key log has no ${label}`);
        const empty = new Uint8Array(0);
        return Tls13RecordProtection.create(
          nobleProvider,
          aead,
          hkdfExpandLabel(hash, secret, 'key', empty, keyLength),
          hkdfExpandLabel(hash, secret, 'iv', empty, 12),
        );
      };

      const fromServer = new RecordReader();
      fromServer.feed(run.toClient);
      const serverHello = await fromServer.read();
      expect(serverHello?.type).toBe('handshake');
      if (serverHello?.type !== 'handshake') return;
      const params = tls13Suites[serverHelloSuite(serverHello.message)]!;
      fromServer.ignoreChangeCipherSpec = true;
      fromServer.setProtection(
        await key(params.hash, params.aead, params.keyLength, 'SERVER_HANDSHAKE_TRAFFIC_SECRET'),
      );
      const flight = await drain(fromServer, (e) => e.type === 'handshake' && e.message[0] === 20);
      expect(flight.map((e) => (e.type === 'handshake' ? e.message[0] : -1))).toEqual([
        8, 11, 15, 20,
      ]);
      fromServer.ignoreChangeCipherSpec = false;
      fromServer.setProtection(
        await key(params.hash, params.aead, params.keyLength, 'SERVER_TRAFFIC_SECRET_0'),
      );
      const serverAfter = await drain(fromServer);
      expect(appData(serverAfter)).toContain([...line].reverse().join(''));

      const fromClient = new RecordReader();
      fromClient.feed(run.toServer);
      expect((await fromClient.read())?.type).toBe('handshake');
      fromClient.ignoreChangeCipherSpec = true;
      fromClient.setProtection(
        await key(params.hash, params.aead, params.keyLength, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'),
      );
      const finished = await fromClient.read();
      expect(finished?.type === 'handshake' && finished.message[0]).toBe(20);
      fromClient.ignoreChangeCipherSpec = false;
      fromClient.setProtection(
        await key(params.hash, params.aead, params.keyLength, 'CLIENT_TRAFFIC_SECRET_0'),
      );
      const clientAfter = await drain(fromClient);
      expect(appData(clientAfter)).toBe(`${line}\n`);
      expect(clientAfter.at(-1)).toEqual({ type: 'alert', level: 1, description: 0 });
      expect(fromClient.bufferedLength).toBe(0);
    });
  }

  for (const cipher of [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
  ]) {
    it(`TLS 1.2 ${cipher}: reads every record both ways`, async () => {
      const run = await capture(['-tls1_2', '-cipher', cipher], cipher);
      const fromClient = new RecordReader();
      fromClient.feed(run.toServer);
      const clientHello = await fromClient.read();
      const fromServer = new RecordReader();
      fromServer.feed(run.toClient);
      const serverHello = await fromServer.read();
      if (clientHello?.type !== 'handshake' || serverHello?.type !== 'handshake')
        throw new Error('no hellos');
      const params = tls12Suites[serverHelloSuite(serverHello.message)]!;
      const master = run.keylog.get('CLIENT_RANDOM');
      if (!master) throw new Error('key log has no CLIENT_RANDOM');
      // RFC 5246 section 6.3: the key block, without MAC keys for AEAD suites.
      const seed = Buffer.concat([
        serverHello.message.subarray(6, 38),
        clientHello.message.subarray(6, 38),
      ]);
      const block = prf(
        params.hash,
        master,
        'key expansion',
        seed,
        2 * (params.keyLength + params.ivLength),
      );
      const k = params.keyLength;
      const clientKey = block.subarray(0, k);
      const serverKey = block.subarray(k, 2 * k);
      const clientIv = block.subarray(2 * k, 2 * k + params.ivLength);
      const serverIv = block.subarray(2 * k + params.ivLength);

      for (const [reader, key, iv, expected] of [
        [fromClient, clientKey, clientIv, `${line}\n`],
        [fromServer, serverKey, serverIv, [...line].reverse().join('')],
      ] as const) {
        const before = await drain(reader, (e) => e.type === 'changeCipherSpec');
        expect(before.at(-1)).toEqual({ type: 'changeCipherSpec' });
        reader.setProtection(
          await Tls12RecordProtection.create(nobleProvider, params.aead, key, iv),
        );
        const after = await drain(reader);
        expect(after[0]?.type === 'handshake' && after[0].message[0]).toBe(20);
        expect(appData(after)).toContain(expected);
      }
    });
  }
});
