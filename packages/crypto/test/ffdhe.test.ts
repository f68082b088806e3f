import { createDiffieHellman } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { isTlsError } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { FFDHE_GROUPS, type FfdheName } from '../src/ffdhe.js';
import { PROVIDERS } from './providers.js';
import { replaying } from './replay.js';
import { hex, toHex } from './vectors.js';

const CODES: Readonly<Record<FfdheName, number>> = {
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  ffdhe4096: 0x0102,
};
const NAMES = Object.keys(CODES) as FfdheName[];

/** The prime of OpenSSL's built-in RFC 7919 group, read from the DHParameter it writes. */
function opensslPrime(name: FfdheName): string {
  const params = execFileSync(
    'openssl',
    ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', `group:${name}`],
    { encoding: 'utf8' },
  );
  const asn1 = execFileSync('openssl', ['asn1parse'], { input: params, encoding: 'utf8' });
  const match = /INTEGER\s+:([0-9A-F]+)/.exec(asn1);
  if (match?.[1] === undefined) throw new Error(`no prime in openssl's ${name}`);
  return match[1].toLowerCase();
}

const PRIMES = Object.fromEntries(NAMES.map((n) => [n, opensslPrime(n)])) as Record<
  FfdheName,
  string
>;

describe('RFC 7919 groups', () => {
  it.each(NAMES)('%s is the prime OpenSSL builds in, with generator 2', (name) => {
    const g = FFDHE_GROUPS[name];
    expect(toHex(g.prime)).toBe(PRIMES[name]);
    expect(g.length * 8).toBe(Number(name.slice(5)));
    // RFC 7919 5.2: exponents of at least twice the security strength (225/275/325 bits).
    expect(g.exponentLength * 8).toBeGreaterThanOrEqual(
      { 2048: 225, 3072: 275, 4096: 325 }[g.length * 8]!,
    );
  });
});

describe.each(PROVIDERS)('%s provider', (_name, create) => {
  const p = create();

  async function expectIllegalParameter(promise: Promise<unknown>, what: string): Promise<void> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTlsError(error), `${what}: ${String(error)}`).toBe(true);
    expect(error, what).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
  }

  describe.each(NAMES)('%s', (name) => {
    const code = CODES[name];
    const { length, exponentLength } = FFDHE_GROUPS[name];
    // OpenSSL's DH on OpenSSL's prime is the oracle for g^x and y^x mod p.
    const oracle = (x: Uint8Array) => {
      const dh = createDiffieHellman(Buffer.from(PRIMES[name], 'hex'), 2);
      dh.setPrivateKey(Buffer.from(x));
      dh.generateKeys();
      return dh;
    };
    const padded = (b: Buffer) => toHex(b).padStart(2 * length, '0');

    it('computes OpenSSL’s g^x and y^x mod p, left-padded to the prime’s length', async () => {
      const x = new Uint8Array(exponentLength).fill(0x5a);
      const y = new Uint8Array(exponentLength).fill(0xa5);
      const client = await replaying(create, x).keyExchange(code)!.generate();
      expect(client.publicKey.length).toBe(length);
      expect(toHex(client.publicKey)).toBe(padded(oracle(x).getPublicKey()));
      const server = await replaying(create, y).keyExchange(code)!.respond(client.publicKey);
      expect(toHex(server.publicKey)).toBe(padded(oracle(y).getPublicKey()));
      const expected = padded(oracle(y).computeSecret(Buffer.from(client.publicKey)));
      expect(toHex(server.sharedSecret)).toBe(expected);
      expect(toHex(await client.complete(server.publicKey))).toBe(expected);
    });

    it('accepts a small peer value sent with its leading zero bytes', async () => {
      const x = new Uint8Array(exponentLength).fill(3);
      const two = new Uint8Array(length);
      two[length - 1] = 2;
      const share = await replaying(create, x).keyExchange(code)!.generate();
      const secret = await share.complete(two);
      // 2^x mod p is the public value for exponent x: the secret is the padded public value.
      expect(secret.length).toBe(length);
      expect(toHex(secret)).toBe(padded(oracle(x).getPublicKey()));
    });

    it('rejects truncated, zero-padded and out-of-range values (1 < y < p-1)', async () => {
      const prime = BigInt(`0x${PRIMES[name]}`);
      const value = (n: bigint) => hex(n.toString(16).padStart(2 * length, '0'));
      const share = await p.keyExchange(code)!.generate();
      const good = share.publicKey;
      const zeroPadded = new Uint8Array(length + 1);
      zeroPadded.set(good, 1);
      const bad: [string, Uint8Array][] = [
        ['truncated', good.subarray(0, length - 1)],
        ['zero-padded', zeroPadded],
        ['minimal encoding of a small value', Uint8Array.of(2)],
        ['empty', new Uint8Array(0)],
        ['y = 0', value(0n)],
        ['y = 1', value(1n)],
        ['y = p - 1', value(prime - 1n)],
        ['y = p', value(prime)],
        ['y = p + 1', value(prime + 1n)],
        ['all ones', new Uint8Array(length).fill(0xff)],
      ];
      for (const [what, share2] of bad) {
        await expectIllegalParameter(share.complete(share2), `complete: ${what}`);
        await expectIllegalParameter(p.keyExchange(code)!.respond(share2), `respond: ${what}`);
      }
      // The bounds themselves are the only values refused: p - 2 is a valid share.
      await expect(share.complete(value(prime - 2n))).resolves.toHaveLength(length);
    });
  });
});
