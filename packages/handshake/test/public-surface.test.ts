/**
 * The object createClient/createServer return offers the Connection API and nothing else: the
 * engine's state-machine hooks are out of reach, even after a cast (issue 16).
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { createClient, createServer, pump } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

/** Every hook the handshake states use (core/context.ts), and the engine's internals. */
const hooks = [
  'provider',
  'now',
  'writeClosed',
  'sendHandshake',
  'flushHandshake',
  'sendWarningAlert',
  'keylog',
  'setClientRandom',
  'negotiatedTls12',
  'setWriteKey',
  'setReadKey',
  'trafficSecret',
  'sendKeyUpdate',
  'updateReadKey',
  'setPeerRecordSizeLimit',
  'setOwnRecordSizeLimit',
  'sendChangeCipherSpec',
  'allowChangeCipherSpec',
  'expectChangeCipherSpec',
  'setReadProtection',
  'changeWriteProtection',
  'beginEarlyWrite',
  'endEarlyWrite',
  'resendEarlyData',
  'beginEarlyRead',
  'endEarlyRead',
  'skipEarlyData',
  'established',
  'peerAuthenticated',
  'emitSession',
  'serialize',
  'setState',
  'fail',
  'emit',
  'listens',
];

/** Every property name reachable on `value`, own or inherited, up to Object.prototype. */
function reachableNames(value: object): Set<string> {
  const names = new Set<string>();
  for (let o: object | null = value; o !== null && o !== Object.prototype; ) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
    o = Object.getPrototypeOf(o);
  }
  return names;
}

describe('the public connection object', () => {
  it('has none of the engine hooks, on client and server, before and after the handshake', async () => {
    const f = await fixtures();
    const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer] });
    const server = createServer({ provider, certificates: [f.server.p256] });
    const check = () => {
      for (const conn of [client, server]) {
        const names = reachableNames(conn);
        for (const hook of hooks) {
          expect(names.has(hook), hook).toBe(false);
          expect(hook in conn, hook).toBe(false);
        }
      }
    };
    check();
    await client.start();
    await pump(client, server);
    expect(client.state).toBe('connected');
    expect(server.state).toBe('connected');
    check();
  });

  it('still offers the whole Connection API', async () => {
    const f = await fixtures();
    const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer] });
    const names = reachableNames(client);
    for (const name of [
      'role',
      'state',
      'handshakeInfo',
      'earlyDataRemaining',
      'start',
      'receive',
      'takeOutput',
      'write',
      'close',
      'abort',
      'setMaxSendFragment',
      'keyUpdate',
      'requestCertificate',
      'exportKeyingMaterial',
      'getPeerCertificates',
      'getFinished',
      'getLocalCertificates',
      'on',
      'off',
    ]) {
      expect(names.has(name), name).toBe(true);
    }
    expect(client.role).toBe('client');
  });
});
