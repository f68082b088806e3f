/**
 * Encrypted ClientHello (RFC 9849) between tlskit's client and server: acceptance with and
 * without a HelloRetryRequest, resumption under ECH, rejection with retry configurations
 * (authenticated for the public name), and the options' checks. The ECHConfigs are encoded here
 * by hand from RFC 9849 section 4, independently of the library's encoder.
 */
import {
  generateHpkeX25519KeyPair,
  HpkeAead,
  HpkeKdf,
  nobleProvider as provider,
} from '@tlskit/crypto';
import {
  createClient,
  createServer,
  EchRejectedError,
  type EchKey,
  OptionsError,
  pump,
} from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';

const publicName = 'server-p256.test';

function u16(n: number): number[] {
  return [n >> 8, n & 0xff];
}

/** ECHConfig (RFC 9849 4): version 0xfe0d, length, then ECHConfigContents. */
function echConfig(
  configId: number,
  publicKey: Uint8Array,
  suites: [number, number][],
): Uint8Array {
  const name = [...new TextEncoder().encode(publicName)];
  const suiteBytes = suites.flatMap(([kdf, aead]) => [...u16(kdf), ...u16(aead)]);
  const contents = [
    configId,
    ...u16(0x0020), // DHKEM(X25519, HKDF-SHA256)
    ...u16(publicKey.length),
    ...publicKey,
    ...u16(suiteBytes.length),
    ...suiteBytes,
    64, // maximum_name_length
    name.length,
    ...name,
    ...u16(0), // no extensions
  ];
  return Uint8Array.from([...u16(0xfe0d), ...u16(contents.length), ...contents]);
}

function echConfigList(...configs: Uint8Array[]): Uint8Array {
  const body = configs.flatMap((c) => [...c]);
  return Uint8Array.from([...u16(body.length), ...body]);
}

function echKey(configId: number, sendAsRetry = true): EchKey {
  const keys = generateHpkeX25519KeyPair(provider);
  const config = echConfig(configId, keys.publicKey, [
    [HpkeKdf.HKDF_SHA256, HpkeAead.AES_128_GCM],
    [HpkeKdf.HKDF_SHA256, HpkeAead.CHACHA20_POLY1305],
  ]);
  return { config, privateKey: keys.privateKey, sendAsRetry };
}

const latin1 = (bytes: Uint8Array[]) => Buffer.concat(bytes).toString('latin1');

describe('Encrypted ClientHello', () => {
  it('is accepted: the handshake runs on ClientHelloInner, whose name never goes on the wire', async () => {
    const f = await fixtures();
    const key = echKey(7);
    const client = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      echConfigList: echConfigList(key.config),
    });
    const server = createServer({ provider, certificates: [f.server.p256], echKeys: [key] });
    let serverName: string | undefined;
    let accepted = [false, false];
    client.on('handshake', (i) => {
      accepted = [i.echAccepted === true, accepted[1]!];
    });
    server.on('handshake', (i) => {
      serverName = i.serverName;
      accepted = [accepted[0]!, i.echAccepted === true];
    });
    await client.start();
    const hello = latin1(client.takeOutput());
    expect(hello).toContain(publicName);
    expect(hello).not.toContain('localhost');
    const closed: unknown[] = [];
    client.on('close', (e) => closed.push(e.error));
    server.on('close', (e) => closed.push(e.error));
    await server.receive(new Uint8Array(Buffer.from(hello, 'latin1')));
    await pump(client, server);
    expect(closed).toEqual([]);
    expect(accepted).toEqual([true, true]);
    expect(serverName).toBe('localhost');
  });

  it('is accepted after a HelloRetryRequest, and a session resumes under ECH', async () => {
    const f = await fixtures();
    const key = echKey(1);
    const ticketKeys = [{ name: new Uint8Array(16), key: new Uint8Array(32).fill(3) }];
    const server = { echKeys: [key], groups: [0x0017], ticketKeys };
    const client = { echConfigList: echConfigList(key.config), groups: [0x001d, 0x0017] };
    const first = await connectPair([f.server.p256], client, server);
    expect(first.clientClose?.error).toBeUndefined();
    expect(first.clientInfo?.helloRetryRequest).toBe(true);
    expect(first.clientInfo?.echAccepted).toBe(true);
    expect(first.serverInfo?.echAccepted).toBe(true);
    expect(first.sessions.length).toBeGreaterThan(0);
    const again = await connectPair(
      [f.server.p256],
      { ...client, session: first.sessions[0]! },
      server,
    );
    expect(again.clientInfo?.resumed).toBe(true);
    expect(again.serverInfo?.echAccepted).toBe(true);
    expect(again.serverInfo?.serverName).toBe('localhost');
  });

  it('is rejected with the retry configurations when the server lacks the key', async () => {
    const f = await fixtures();
    const stale = echKey(9);
    const current = echKey(9);
    const hidden = echKey(10, false);
    const p = await connectPair(
      [f.server.p256],
      { echConfigList: echConfigList(stale.config) },
      { echKeys: [current, hidden] },
    );
    const error = p.clientClose?.error;
    expect(error).toBeInstanceOf(EchRejectedError);
    expect((error as EchRejectedError).code).toBe('ERR_ECH_REJECTED');
    expect((error as EchRejectedError).alert).toBe(121);
    // Only the sendAsRetry configuration, as an ECHConfigList.
    expect((error as EchRejectedError).retryConfigs).toEqual(echConfigList(current.config));
    expect(p.clientInfo).toBeUndefined();
    // The retry configuration works.
    const retry = await connectPair(
      [f.server.p256],
      { echConfigList: (error as EchRejectedError).retryConfigs! },
      { echKeys: [current, hidden] },
    );
    expect(retry.clientInfo?.echAccepted).toBe(true);
  });

  it('is rejected, with no retry configurations, by a server without ECH', async () => {
    const f = await fixtures();
    const p = await connectPair([f.server.p256], {
      echConfigList: echConfigList(echKey(3).config),
    });
    expect(p.clientClose?.error).toBeInstanceOf(EchRejectedError);
    expect((p.clientClose?.error as EchRejectedError | undefined)?.retryConfigs).toBeUndefined();
    expect(p.serverClose?.error).toBeDefined();
  });

  it('after a rejection authenticates the public name, not the inner one', async () => {
    const f = await fixtures();
    // The certificate is valid for localhost and server-p256.test only.
    const key = echKey(4);
    const list = echConfigList(
      echConfig(4, generateHpkeX25519KeyPair(provider).publicKey, [[1, 1]]),
    );
    const p = await connectPair(
      [f.server.p256],
      { serverName: 'elsewhere.example', echConfigList: list },
      { echKeys: [key] },
    );
    // Rejected, and the certificate proved server-p256.test: the retry configurations arrive.
    const error = p.clientClose?.error;
    expect(error).toBeInstanceOf(EchRejectedError);
    expect((error as EchRejectedError).retryConfigs).toEqual(echConfigList(key.config));
  });

  it('GREASE: a client without a configuration sends a decoy and ignores retry configurations', async () => {
    const f = await fixtures();
    const key = echKey(5);
    const p = await connectPair([f.server.p256], { echGrease: true }, { echKeys: [key] });
    // The server could not decrypt the decoy, answered ClientHelloOuter with its retry
    // configurations, and the client, which offered no real ECH, went on.
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo?.echAccepted).toBeUndefined();
    expect(p.serverInfo?.echAccepted).toBeUndefined();
    expect(p.serverInfo?.serverName).toBe('localhost');
  });

  it('refuses ECH keys that do not parse or do not match', () => {
    const key = echKey(1);
    const base = { provider, certificates: [] as never[], pskCallback: () => undefined };
    expect(() =>
      createServer({ ...base, echKeys: [{ ...key, config: key.config.subarray(1) }] }),
    ).toThrow(OptionsError);
    const other = echKey(1);
    expect(() =>
      createServer({ ...base, echKeys: [{ ...key, privateKey: other.privateKey }] }),
    ).toThrow(/not the key/);
    expect(() =>
      createClient({
        provider,
        dangerouslySkipCertificateVerification: true,
        echConfigList: Uint8Array.of(0, 9, 1),
      }),
    ).toThrow(OptionsError);
  });
});
