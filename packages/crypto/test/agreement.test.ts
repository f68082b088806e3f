import { describe, expect, it } from 'vitest';
import { PROVIDERS } from './providers.js';
import { toHex } from './vectors.js';

// The providers share the TLS rules but not the arithmetic (noble, OpenSSL, WebCrypto/BigInt):
// each must derive the same secret as every other from the other's shares, in both roles.
describe('cross-provider agreement', () => {
  const providers = PROVIDERS.map(([name, create]) => [name, create()] as const);
  const groups = providers[0]![1].supportedGroups;
  const pairs = providers.flatMap(([a, pa]) => providers.map(([b, pb]) => [a, pa, b, pb] as const));

  it.each(groups.map((g) => [`0x${g.toString(16).padStart(4, '0')}`, g] as const))(
    'group %s: every provider completes what every other responds',
    async (_hex, group) => {
      for (const [a, pa, b, pb] of pairs) {
        const client = await pa.keyExchange(group)!.generate();
        const server = await pb.keyExchange(group)!.respond(client.publicKey);
        expect(toHex(await client.complete(server.publicKey)), `${a} -> ${b}`).toBe(
          toHex(server.sharedSecret),
        );
      }
    },
    30_000,
  );
});
