/**
 * The server's ClientHello-time callbacks (-use-early-callback, -fail-early-callback,
 * -install-ddos-callback, -reject-alpn, -expect-advertised-alpn) over a real tlskit client and
 * server, and the message log of -expect-msg-callback.
 */
import { nodeProvider } from '@tlskit/crypto/node';
import {
  type Connection,
  createClient,
  createServer,
  pump,
  type ServerOptions,
  SessionCache,
  MemoryAntiReplayStore,
} from '@tlskit/handshake';
import { interopCerts } from '@tlskit/interop';
import { describe, expect, it } from 'vitest';
import { CallbackCheckFailed } from '../src/callbacks.js';
import { errorString } from '../src/errors.js';
import { parseArgs, type ShimConfig } from '../src/flags.js';
import { checkObserved, observe } from '../src/handshake-checks.js';
import { MessageLog } from '../src/msg-callback.js';
import { type ServerState, Signer, serverOptions } from '../src/options.js';

function config(args: string[]): ShimConfig {
  const result = parseArgs(args);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.initial;
}

function state(): ServerState {
  const key = { name: new Uint8Array(16).fill(1), key: new Uint8Array(32).fill(2) };
  return {
    ticketKeys: [key],
    sessionCache: new SessionCache(),
    antiReplay: new MemoryAntiReplayStore(),
  };
}

interface Outcome {
  client: Connection;
  server: Connection;
  clientError: (Error & { alert?: number }) | undefined;
  serverError: (Error & { cause?: unknown }) | undefined;
}

/** The shim's server options for these flags, with an RSA credential. */
async function shimServerOptions(args: string[]): Promise<ServerOptions> {
  const { rsa2048 } = interopCerts().server;
  const shimConfig = config([
    '-server',
    '-cert-file',
    rsa2048.chain.file,
    '-key-file',
    rsa2048.key.file,
    ...args,
  ]);
  return serverOptions(shimConfig, new Signer(nodeProvider), { failed: false }, state());
}

async function handshake(
  serverArgs: string[],
  alpn?: string[],
  beforeStart?: (client: Connection) => void,
): Promise<Outcome> {
  const server = createServer(await shimServerOptions(serverArgs));
  const client = createClient({
    provider: nodeProvider,
    dangerouslySkipCertificateVerification: true,
    ...(alpn === undefined ? {} : { alpnProtocols: alpn }),
  });
  const outcome: Outcome = { client, server, clientError: undefined, serverError: undefined };
  client.on('close', (e) => {
    outcome.clientError = e.error;
  });
  server.on('close', (e) => {
    outcome.serverError = e.error;
  });
  beforeStart?.(client);
  await client.start();
  await pump(client, server);
  return outcome;
}

describe('server callbacks', () => {
  it('-use-early-callback: the credentials come from the hook, none before it', async () => {
    const options = await shimServerOptions(['-use-early-callback']);
    expect(options.certificates).toEqual([]);
    const r = await handshake(['-use-early-callback']);
    expect(r.client.handshakeInfo?.peerCertificates.length).toBeGreaterThan(0);
  });

  it('-fail-early-callback: handshake_failure, reported as :CONNECTION_REJECTED:', async () => {
    const r = await handshake(['-fail-early-callback']);
    expect(r.clientError).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 40 });
    expect(errorString(r.serverError)).toBe(':CONNECTION_REJECTED:');
  });

  it('-install-ddos-callback: passes, or refuses with internal_error under -fail-ddos-callback', async () => {
    const ok = await handshake(['-install-ddos-callback']);
    expect(ok.client.handshakeInfo).toBeDefined();
    const refused = await handshake(['-install-ddos-callback', '-fail-ddos-callback']);
    expect(refused.clientError).toMatchObject({ alert: 80 });
    expect(errorString(refused.serverError)).toBe(':CONNECTION_REJECTED:');
  });

  it('-reject-alpn: no_application_protocol for a client offering ALPN, nothing without', async () => {
    const rejected = await handshake(['-reject-alpn'], ['foo']);
    expect(rejected.clientError).toMatchObject({ alert: 120 });
    expect(errorString(rejected.serverError)).toBe(':NO_APPLICATION_PROTOCOL:');
    const without = await handshake(['-reject-alpn']);
    expect(without.client.handshakeInfo).toBeDefined();
  });

  it('-expect-advertised-alpn: the offered list must be the expected one', async () => {
    const good = await handshake(
      ['-expect-advertised-alpn', '\x03foo\x03bar', '-select-alpn', 'foo'],
      ['foo', 'bar'],
    );
    expect(good.server.handshakeInfo?.alpn).toBe('foo');
    const bad = await handshake(['-expect-advertised-alpn', '\x03foo\x03bar'], ['bar', 'foo']);
    expect(bad.serverError?.cause).toBeInstanceOf(CallbackCheckFailed);
  });

  it('-cipher with a group: the server follows the client within the group', async () => {
    const rule =
      '[TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256|TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256]';
    for (const suites of [
      [0xcca8, 0xc02f],
      [0xc02f, 0xcca8],
    ]) {
      const server = createServer(
        await shimServerOptions(['-cipher', rule, '-max-version', '771']),
      );
      const client = createClient({
        provider: nodeProvider,
        dangerouslySkipCertificateVerification: true,
        maxVersion: 'TLSv1.2',
        cipherSuites: suites,
      });
      await client.start();
      await pump(client, server);
      expect(server.handshakeInfo?.cipherSuiteCode).toBe(suites[0]);
    }
  });
});

describe('message log and handshake checks', () => {
  it("logs each message as BoringSSL's callback does, and leaves out a quiet close_notify", async () => {
    let quiet: MessageLog | undefined;
    let loud: MessageLog | undefined;
    const r = await handshake(['-max-version', '771'], undefined, (client) => {
      quiet = new MessageLog(client, true);
      loud = new MessageLog(client, false);
    });
    await r.client.close();
    await r.server.close();
    await pump(r.client, r.server);
    // TLS 1.2 full handshake with a ticket, then close_notify both ways.
    const flights =
      'write hs 1\nread hs 2\nread hs 11\nread hs 12\nread hs 14\n' +
      'write hs 16\nwrite ccs\nwrite hs 20\nread hs 4\nread ccs\nread hs 20\n';
    expect(quiet?.text).toBe(`${flights}read alert 1 0\n`);
    expect(loud?.text).toBe(`${flights}write alert 1 0\nread alert 1 0\n`);
  });

  it('checks the peer verify prefs, the AES-hardware suite and the log', async () => {
    let observed: ReturnType<typeof observe> | undefined;
    const clientConfig = config([
      '-expect-peer-verify-pref',
      '2052',
      '-expect-cipher-aes',
      '4865',
      '-expect-msg-callback',
      'write hs 1\n',
    ]);
    const r = await handshake([], undefined, (client) => {
      observed = observe(clientConfig, client);
    });
    // The client saw no CertificateRequest: the peer's list is empty.
    expect(checkObserved(clientConfig, r.client, observed!, false)).toMatch(
      /length mismatch \(got 0, wanted 1\)/,
    );
    const cipherOnly = config(['-expect-cipher-aes', '4867']);
    expect(checkObserved(cipherOnly, r.client, observed!, false)).toMatch(/wanted 4867/);
    const logOnly = config(['-expect-msg-callback', 'write hs 1\n']);
    expect(checkObserved(logOnly, r.client, observed!, false)).toMatch(
      /^Bad message callback trace/,
    );
    expect(
      checkObserved(config(['-expect-cipher-aes', '4865']), r.client, observed!, false),
    ).toBeUndefined();
  });

  it('-expect-certificate-types: the types of the TLS 1.2 CertificateRequest, in order', async () => {
    let observed: ReturnType<typeof observe> | undefined;
    // tlskit's server asks for ecdsa_sign (64) then rsa_sign (1).
    const want = config(['-expect-certificate-types', Buffer.from([64, 1]).toString('base64')]);
    const other = config(['-expect-certificate-types', Buffer.from([1, 64]).toString('base64')]);
    const r = await handshake(['-max-version', '771', '-verify-peer'], undefined, (client) => {
      observed = observe(want, client);
    });
    expect(observed?.certificateTypes?.types).toEqual([64, 1]);
    expect(checkObserved(want, r.client, observed!, false)).toBeUndefined();
    expect(checkObserved(other, r.client, observed!, false)).toBe('certificate types mismatch.');
  });
});
