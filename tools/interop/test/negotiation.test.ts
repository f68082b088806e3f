import { afterEach, describe, expect, it } from 'vitest';
import {
  interopCerts,
  opensslClientExchange,
  startOpensslServer,
  stopAllPeers,
  type VersionRange,
  versionRanges,
} from '../src/index.js';

afterEach(stopAllPeers);

const certs = interopCerts();
const label = (r: VersionRange) => `${r.minVersion}-${r.maxVersion}`;
const pairs = versionRanges.flatMap((client) =>
  versionRanges.map((server) => [label(client), label(server), client, server] as const),
);

// OpenSSL against itself is the reference the facades' matrix is compared with (docs/interop.md).
describe('version negotiation matrix, openssl s_client against openssl s_server', () => {
  it.each(pairs)('client %s, server %s', async (_, __, client, server) => {
    const s = await startOpensslServer({
      credential: certs.server.ecdsaP256,
      mode: 'echo',
      ...server,
    });
    const { summary } = await opensslClientExchange({ port: s.port, ca: certs.ca.cert, ...client });
    const common = ['TLSv1.3', 'TLSv1.2'].find(
      (v) =>
        v >= client.minVersion &&
        v <= client.maxVersion &&
        v >= server.minVersion &&
        v <= server.maxVersion,
    );
    if (common) {
      expect(summary).toMatchObject({ established: true, protocol: common });
    } else {
      // RFC 8446 4.2.1 / RFC 5246 E.1: no common version is protocol_version (70).
      expect(summary.established).toBe(false);
      expect(summary.alertReceived ?? s.receivedAlert()).toBe(70);
    }
  });
});
