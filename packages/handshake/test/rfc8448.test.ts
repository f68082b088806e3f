/**
 * RFC 8448 section 3 (simple 1-RTT handshake), replayed by the real engines with the recorded
 * random values and clock: every byte each side sends must equal the trace (as Botan recorded
 * it, in vectors/rfc8448/transcripts.vec). The replay runs once per crypto provider
 * (noble, node, webcrypto; issue 7) with the same expectations.
 *
 * What is injected and why:
 * - randomness: `create({ randomBytes })` drawing from the section's RNG pools (client: random,
 *   X25519 key; server: random, X25519 key, ticket_age_add). Every provider takes injected
 *   randomness for all of these;
 * - time: `now()` returns the section's CurrentTimestamp;
 * - the server's RSA-PSS signature: PSS salts are random and WebCrypto cannot take one, and the
 *   trace's pool does not contain the salt. The server's provider is wrapped so that `sign`
 *   returns the trace's Server_MessageSignature, but only after checking that the engine asked
 *   to sign exactly Server_MessageToSign; node:crypto independently verifies that signature;
 * - the ticket: Botan's ticket bytes are opaque, so a TicketSealer returns SessionTicket.
 */
import { X509Certificate, constants as nodeConstants, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CryptoProvider, createNobleProvider, type ProviderOptions } from '@tlskit/crypto';
import { createNodeProvider } from '@tlskit/crypto/node';
import { createWebCryptoProvider } from '@tlskit/crypto/webcrypto';
import { createClient, createServer, type Session } from '@tlskit/handshake';
import { equalBytes, fromHex, hex } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../../vectors/rfc8448/', import.meta.url);

function section(name: string): Record<string, string> {
  const text = readFileSync(new URL('transcripts.vec', dir), 'utf8');
  const out: Record<string, string> = {};
  let inside = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('[')) inside = line === `[${name}]`;
    else if (inside && line.includes(' = ')) {
      const [key, value] = line.split(' = ') as [string, string];
      out[key.trim()] = value.trim();
    }
  }
  return out;
}

function bytes(v: Record<string, string>, key: string): Uint8Array {
  const b = v[key];
  if (b === undefined) throw new Error(`vector ${key} missing`);
  return fromHex(b);
}

/** A random source that replays `pool` and fails loudly when the engine asks for more. */
function replay(pool: Uint8Array): (n: number) => Uint8Array {
  let at = 0;
  return (n) => {
    if (at + n > pool.length)
      throw new Error(`RNG pool exhausted: wanted ${n} at ${at} of ${pool.length}`);
    const out = pool.slice(at, at + n);
    at += n;
    return out;
  };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const v = section('Simple_1RTT_Handshake');
const now = Number(v.CurrentTimestamp);
// What Botan offers, in its order (RFC 8448 section 3).
const groups = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];
const suites = [0x1301, 0x1303, 0x1302];
const schemes = [
  0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402,
  0x0502, 0x0602, 0x0202,
];
// The certificate as the trace carries it: Certificate header (4), context (1), list length (3),
// entry length (3), then the 432-byte DER (the PEM file beside it does not parse cleanly).
const serverCert = bytes(v, 'Message_Server_Certificate').slice(11, 11 + 432);
const serverKeyPem = readFileSync(new URL('server_key.pem', dir), 'utf8');

/** Every crypto provider; each replays the trace from the same injected random pools. */
const PROVIDERS: readonly (readonly [string, (options: ProviderOptions) => CryptoProvider])[] = [
  ['noble', createNobleProvider],
  ['node', createNodeProvider],
  ['webcrypto', createWebCryptoProvider],
];

function clientEngine(create: (options: ProviderOptions) => CryptoProvider) {
  const provider = create({ randomBytes: replay(bytes(v, 'Client_RNG_Pool')) });
  return createClient({
    provider,
    serverName: 'server',
    cipherSuites: suites,
    groups,
    keyShareGroups: [0x001d],
    signatureSchemes: schemes,
    recordSizeLimit: 16385,
    middleboxCompatibility: false,
    // Botan offers only TLS 1.3 here.
    minVersion: 'TLSv1.3',
    sendLegacyExtensions: true,
    now: () => now,
    // The RFC's certificate is a self-signed 1024-bit RSA key: trust exactly that certificate.
    verifyCertificate: async (chain) => {
      if (chain.length !== 1 || !equalBytes(chain[0]!, serverCert))
        throw new Error('not the RFC 8448 certificate');
    },
  });
}

describe.each(PROVIDERS)(
  'RFC 8448 simple 1-RTT handshake, replayed byte for byte (%s provider)',
  (_name, create) => {
    it('client: ClientHello, Finished, application data and close_notify equal the trace', async () => {
      const client = clientEngine(create);
      const sessions: Session[] = [];
      const data: Uint8Array[] = [];
      let closeError: Error | undefined;
      client.on('session', (s) => sessions.push(s));
      client.on('data', (d) => data.push(d));
      client.on('close', (e) => {
        closeError = e.error;
      });
      await client.start();
      expect(hex(concat(client.takeOutput()))).toBe(hex(bytes(v, 'Record_ClientHello_1')));
      await client.receive(
        concat([bytes(v, 'Record_ServerHello'), bytes(v, 'Record_ServerHandshakeMessages')]),
      );
      expect(closeError).toBeUndefined();
      expect(hex(concat(client.takeOutput()))).toBe(hex(bytes(v, 'Record_ClientFinished')));
      expect(client.handshakeInfo?.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
      await client.receive(bytes(v, 'Record_NewSessionTicket'));
      expect(sessions.length).toBe(1);
      expect(hex(sessions[0]!.ticket!)).toBe(hex(bytes(v, 'SessionTicket')));
      await client.write(bytes(v, 'Client_AppData'));
      expect(hex(concat(client.takeOutput()))).toBe(hex(bytes(v, 'Record_Client_AppData')));
      await client.receive(bytes(v, 'Record_Server_AppData'));
      expect(hex(concat(data))).toBe(hex(bytes(v, 'Server_AppData')));
      await client.close();
      expect(hex(concat(client.takeOutput()))).toBe(hex(bytes(v, 'Record_Client_CloseNotify')));
    });

    it('server: ServerHello, the encrypted flight, NewSessionTicket, data and close_notify equal the trace', async () => {
      const inner = create({ randomBytes: replay(bytes(v, 'Server_RNG_Pool')) });
      const toSign = bytes(v, 'Server_MessageToSign');
      const signature = bytes(v, 'Server_MessageSignature');
      const signed: Uint8Array[] = [];
      const provider: CryptoProvider = {
        ...inner,
        supportedGroups: inner.supportedGroups,
        supportedSignatureSchemes: inner.supportedSignatureSchemes,
        name: 'rfc8448-replay',
        async sign(scheme, key, message) {
          signed.push(message);
          expect(scheme).toBe(0x0804);
          expect(hex(message)).toBe(hex(toSign));
          void key;
          return signature;
        },
      };
      const key = await inner.importPrivateKey(serverKeyPem);
      const ticket = bytes(v, 'SessionTicket');
      const server = createServer({
        provider,
        certificates: [{ chain: [serverCert], key }],
        cipherSuites: suites,
        groups,
        recordSizeLimit: 16385,
        now: () => now,
        ticketSealer: { seal: async () => ticket, open: async () => undefined },
        // Botan's ticket: lifetime 30 s and max_early_data_size 1024, as in RFC 8448.
        ticketLifetime: 30,
        ticketMaxEarlyData: 1024,
      });
      const data: Uint8Array[] = [];
      let closeError: Error | undefined;
      server.on('data', (d) => data.push(d));
      server.on('close', (e) => {
        closeError = e.error;
      });
      await server.receive(bytes(v, 'Record_ClientHello_1'));
      expect(closeError).toBeUndefined();
      expect(hex(concat(server.takeOutput()))).toBe(
        hex(concat([bytes(v, 'Record_ServerHello'), bytes(v, 'Record_ServerHandshakeMessages')])),
      );
      expect(signed.length).toBe(1);
      await server.receive(bytes(v, 'Record_ClientFinished'));
      expect(closeError).toBeUndefined();
      expect(hex(concat(server.takeOutput()))).toBe(hex(bytes(v, 'Record_NewSessionTicket')));
      await server.receive(bytes(v, 'Record_Client_AppData'));
      expect(hex(concat(data))).toBe(hex(bytes(v, 'Client_AppData')));
      await server.write(bytes(v, 'Server_AppData'));
      expect(hex(concat(server.takeOutput()))).toBe(hex(bytes(v, 'Record_Server_AppData')));
      await server.close();
      expect(hex(concat(server.takeOutput()))).toBe(hex(bytes(v, 'Record_Server_CloseNotify')));
    });
  },
);

describe('RFC 8448 simple 1-RTT handshake, the recorded signature', () => {
  it('the recorded server signature is a valid RSA-PSS signature (checked by node:crypto)', () => {
    const pub = new X509Certificate(Buffer.from(serverCert)).publicKey;
    const ok = nodeVerify(
      'sha256',
      bytes(v, 'Server_MessageToSign'),
      { key: pub, padding: nodeConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      bytes(v, 'Server_MessageSignature'),
    );
    expect(ok).toBe(true);
  });
});
