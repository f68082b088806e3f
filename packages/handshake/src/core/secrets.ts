/**
 * TLS 1.3 traffic secrets branded by the side that sends under them (RFC 8446 7.1: each
 * `client_*` secret protects what the client sends, each `server_*` secret what the server
 * sends). A client writes with client secrets and reads with server secrets; the engine's
 * setWriteKey/setReadKey say which they take (context.ts), so passing a swapped key does not
 * compile.
 */
import type { EarlySecret, HandshakeSecret, KeyLogLabel, MasterSecret } from '@tlskit/key-schedule';

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

/** What the key schedule yields once the server Finished is in the transcript. */
export interface ApplicationSecrets extends TrafficSecrets {
  readonly master: MasterSecret;
  readonly exporter: Uint8Array;
}

/**
 * RFC 8446 7.1: the master secret and, over ClientHello..server Finished, the first application
 * traffic secrets and the exporter secret, each reported to `keylog`. The server derives them
 * right after sending its Finished, the client on verifying it.
 */
export function applicationSecrets(
  handshakeSecret: HandshakeSecret,
  serverFinishedHash: Uint8Array,
  keylog: (label: KeyLogLabel, secret: Uint8Array) => void,
): ApplicationSecrets {
  const master = handshakeSecret.deriveMasterSecret();
  const secrets = branded(
    master.clientApplicationTrafficSecret(serverFinishedHash),
    master.serverApplicationTrafficSecret(serverFinishedHash),
  );
  const exporter = master.exporterMasterSecret(serverFinishedHash);
  keylog('CLIENT_TRAFFIC_SECRET_0', secrets.client);
  keylog('SERVER_TRAFFIC_SECRET_0', secrets.server);
  keylog('EXPORTER_SECRET', exporter);
  return { ...secrets, master, exporter };
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
