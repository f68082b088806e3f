/**
 * TLS 1.3 traffic secrets branded by the side that sends under them (RFC 8446 7.1: each
 * `client_*` secret protects what the client sends, each `server_*` secret what the server
 * sends). A client writes with client secrets and reads with server secrets; the engine's
 * setWriteKey/setReadKey say which they take (context.ts), so passing a swapped key does not
 * compile.
 */
import type { EarlySecret, HandshakeSecret, MasterSecret } from '@tlskit/key-schedule';

/** Client or server. */
export type Side = 'client' | 'server';

/** The other side. */
export type PeerOf<S extends Side> = S extends 'client' ? 'server' : 'client';

declare const senderBrand: unique symbol;

/** A traffic secret of the records `S` sends. */
export type TrafficSecret<S extends Side> = Uint8Array & { readonly [senderBrand]: S };

/** Both directions' secrets of one stage of the key schedule. */
export interface TrafficSecrets {
  readonly client: TrafficSecret<'client'>;
  readonly server: TrafficSecret<'server'>;
}

/** The handshake traffic secrets (RFC 8446 7.1), over ClientHello..ServerHello. */
export function handshakeTrafficSecrets(
  secret: HandshakeSecret,
  helloHash: Uint8Array,
): TrafficSecrets {
  return branded(
    secret.clientHandshakeTrafficSecret(helloHash),
    secret.serverHandshakeTrafficSecret(helloHash),
  );
}

/** The first application traffic secrets (RFC 8446 7.1), over ClientHello..server Finished. */
export function applicationTrafficSecrets(
  master: MasterSecret,
  serverFinishedHash: Uint8Array,
): TrafficSecrets {
  return branded(
    master.clientApplicationTrafficSecret(serverFinishedHash),
    master.serverApplicationTrafficSecret(serverFinishedHash),
  );
}

/** The key schedule names each secret by its side (client_*, server_*): this says it in types. */
function branded(client: Uint8Array, server: Uint8Array): TrafficSecrets {
  return { client: client as TrafficSecret<'client'>, server: server as TrafficSecret<'server'> };
}

/** The client's early traffic secret (0-RTT, RFC 8446 7.1), over ClientHello. */
export function earlyTrafficSecret(
  early: EarlySecret,
  clientHelloHash: Uint8Array,
): TrafficSecret<'client'> {
  return early.clientEarlyTrafficSecret(clientHelloHash) as TrafficSecret<'client'>;
}
