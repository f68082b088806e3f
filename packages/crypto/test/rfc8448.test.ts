import { PROVIDERS } from './providers.js';
import { describe, expect, it } from 'vitest';
import { replaying } from './replay.js';
import { hex, readVector, toHex } from './vectors.js';

/** Sections of vectors/rfc8448/transcripts.vec as name -> key -> hex value. */
function sections(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of readVector('rfc8448/transcripts.vec').split('\n')) {
    const head = /^\[(.+)\]$/.exec(line.trim());
    if (head) {
      current = new Map();
      out.set(head[1]!, current);
      continue;
    }
    const kv = /^(\w+) = ([0-9a-fA-F]+)$/.exec(line.trim());
    if (kv && current) current.set(kv[1]!, kv[2]!.toLowerCase());
  }
  return out;
}

/** The key_exchange bytes of a KeyShareEntry for `group` inside a hello message (hex). */
function keyShare(hello: string, groupHex: string, length: number): string {
  const lenHex = length.toString(16).padStart(4, '0');
  const at = hello.indexOf(`${groupHex}${lenHex}`);
  expect(at).toBeGreaterThan(0);
  return hello.slice(at + 8, at + 8 + 2 * length);
}

describe.each(PROVIDERS)('%s provider', (_name, create) => {
  describe('RFC 8448 key shares', () => {
    const vec = sections();

    it('reproduces the simple 1-RTT X25519 shares and shared secret from the RNG pools', async () => {
      const s = vec.get('Simple_1RTT_Handshake')!;
      // Each pool starts with the 32-byte Random; the next 32 bytes are the X25519 private key.
      const clientPool = hex(s.get('Client_RNG_Pool')!);
      const serverPool = hex(s.get('Server_RNG_Pool')!);
      const client = await replaying(create, clientPool.subarray(32, 64))
        .keyExchange(0x001d)!
        .generate();
      expect(toHex(client.publicKey)).toBe(keyShare(s.get('Record_ClientHello_1')!, '001d', 32));
      const server = await replaying(create, serverPool.subarray(32, 64))
        .keyExchange(0x001d)!
        .respond(client.publicKey);
      expect(toHex(server.publicKey)).toBe(keyShare(s.get('Message_ServerHello')!, '001d', 32));
      // RFC 8448 section 3, "{server} derive secret for handshake": the (EC)DHE input.
      const rfcShared = '8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d';
      expect(toHex(server.sharedSecret)).toBe(rfcShared);
      expect(toHex(await client.complete(server.publicKey))).toBe(rfcShared);
    });

    it('reproduces the HelloRetryRequest secp256r1 share from the client RNG pool', async () => {
      const s = vec.get('HelloRetryRequest_Handshake')!;
      const pool = hex(s.get('Client_RNG_Pool')!);
      // Random (32), the first ClientHello's X25519 key (32), then the P-256 scalar (32).
      const share = await replaying(create, pool.subarray(64, 96)).keyExchange(0x0017)!.generate();
      expect(toHex(share.publicKey)).toBe(keyShare(s.get('Record_ClientHello_2')!, '0017', 65));
    });
  });
});
