import type { CryptoProvider, PrivateKey } from '@tlskit/crypto';
import type { Session } from './events.js';
import type { SessionCache } from './session-cache.js';

/** A protocol version a caller can allow. */
export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** A certificate chain with its private key. */
export interface CertificateEntry {
  /** DER certificates, leaf first. */
  readonly chain: readonly Uint8Array[];
  /** The leaf's private key, from `provider.importPrivateKey`. */
  readonly key: PrivateKey;
  /**
   * Host names this entry serves (server only; `*.example.com` matches one label). Without it
   * the entry serves any name.
   */
  readonly serverNames?: readonly string[];
}

/** What a certificate verifier learns about the connection. */
export interface VerifyContext {
  /** The name the client asked for (client side: the name to check the leaf against). */
  readonly serverName: string | undefined;
  /** The time of the check, ms since the epoch (from `options.now`). */
  readonly now: number;
  /** Which side's chain is checked. */
  readonly peer: 'server' | 'client';
}

/**
 * Verifies a peer chain (leaf first). Resolves when the chain is acceptable; rejects with a
 * TlsError carrying the certificate alert to send (e.g. `bad_certificate`, `unknown_ca`,
 * `certificate_expired`) otherwise.
 */
export type CertificateVerifier = (
  chain: readonly Uint8Array[],
  context: VerifyContext,
) => Promise<void>;

/** Options both engines share. */
export interface CommonOptions {
  /** The crypto provider (e.g. `nobleProvider` from `@tlskit/crypto`). Required. */
  readonly provider: CryptoProvider;
  /** Lowest version to negotiate. Default 'TLSv1.2' (as node:tls). */
  readonly minVersion?: TlsVersion;
  /** Highest version to negotiate. Default 'TLSv1.3'. */
  readonly maxVersion?: TlsVersion;
  /** CipherSuite code points, most preferred first. Default: the three TLS 1.3 suites. */
  readonly cipherSuites?: readonly number[];
  /**
   * NamedGroup code points, most preferred first, advertised in supported_groups. Groups the
   * provider does not implement are advertised but never chosen. Default `provider.supportedGroups`.
   */
  readonly groups?: readonly number[];
  /**
   * SignatureScheme code points accepted from the peer (signature_algorithms), most preferred
   * first. Default: the provider's schemes that TLS 1.3 allows.
   */
  readonly signatureSchemes?: readonly number[];
  /** SignatureScheme code points accepted in certificates (signature_algorithms_cert); sent only when set. */
  readonly signatureSchemesCert?: readonly number[];
  /** ALPN protocol names, most preferred first. */
  readonly alpnProtocols?: readonly string[];
  /** Largest record plaintext we accept (record_size_limit, RFC 8449), 64..16385. */
  readonly recordSizeLimit?: number;
  /** Trust anchors (DER) for the default verifier built on `@tlskit/x509`. */
  readonly ca?: readonly Uint8Array[];
  /** Replaces the default chain verifier. */
  readonly verifyCertificate?: CertificateVerifier;
  /**
   * TLS 1.2 only: accept a peer without extended_master_secret (RFC 7627). Such connections are
   * open to the triple handshake attack; their sessions are never stored or resumed. Default false.
   */
  readonly dangerouslyAllowNoExtendedMasterSecret?: boolean;
  /** Current time in ms since the epoch. Default `Date.now`. Tests inject a fixed clock. */
  readonly now?: () => number;
}

/** Options of {@link createClient}. */
export interface ClientOptions extends CommonOptions {
  /** Host name to send as SNI and to check the server certificate against. */
  readonly serverName?: string;
  /**
   * NamedGroups to send key shares for in the first ClientHello (each must be in `groups`).
   * Default: the first group, plus x25519 when the first is a hybrid.
   */
  readonly keyShareGroups?: readonly number[];
  /** Client certificate for servers that ask (CertificateRequest). Without it we send an empty Certificate. */
  readonly certificate?: CertificateEntry;
  /** A session from an earlier `session` event, to resume with a PSK (psk_dhe_ke). */
  readonly session?: Session;
  /**
   * RFC 8446 appendix D.4 middlebox compatibility mode: a 32-byte legacy_session_id and a
   * change_cipher_spec before the second flight. Default true.
   */
  readonly middleboxCompatibility?: boolean;
  /**
   * Also send renegotiation_info and an empty session_ticket extension when offering only
   * TLS 1.3, as Botan (and so the RFC 8448 replay) does. Default false.
   */
  readonly sendLegacyExtensions?: boolean;
  /**
   * Turns certificate verification off: any server is accepted. Only for tests and debugging;
   * the name says it loudly on purpose.
   */
  readonly dangerouslySkipCertificateVerification?: boolean;
}

/** How a server asks for client certificates. */
export type ClientAuthPolicy = 'none' | 'request' | 'require';

/** One ticket protection key (RFC 5077 section 4 style: a name and an AEAD key). */
export interface TicketKey {
  /** 16 bytes that identify the key inside the ticket. */
  readonly name: Uint8Array;
  /** 32 bytes of AES-256-GCM key. */
  readonly key: Uint8Array;
}

/**
 * Seals and opens session tickets. The default seals with AES-256-GCM under `ticketKeys`;
 * a custom sealer can keep server-side state or use an HSM.
 */
export interface TicketSealer {
  /** Turns the resumption state into the opaque ticket sent to the client. */
  seal(state: Uint8Array): Promise<Uint8Array>;
  /** Resolves undefined for a ticket it cannot open (unknown key, forged, or damaged). */
  open(ticket: Uint8Array): Promise<Uint8Array | undefined>;
}

/** Options of {@link createServer}. */
export interface ServerOptions extends CommonOptions {
  /** Certificates to choose from, by SNI and by the client's signature_algorithms. At least one. */
  readonly certificates: readonly CertificateEntry[];
  /** Whether to ask for a client certificate. Default 'none'. */
  readonly clientAuth?: ClientAuthPolicy;
  /**
   * Ticket keys, current first: the first seals new tickets, all of them open tickets. Pass a
   * function to rotate keys without recreating the engine: it is called each time a key is needed.
   * Without keys and without `ticketSealer` the server issues no tickets.
   */
  readonly ticketKeys?: readonly TicketKey[] | (() => readonly TicketKey[]);
  /** Replaces the default ticket protection. */
  readonly ticketSealer?: TicketSealer;
  /** Tickets to send after the handshake. Default 1 (0 disables tickets). */
  readonly ticketCount?: number;
  /** ticket_lifetime in seconds, at most 604800. Default 7200. */
  readonly ticketLifetime?: number;
  /** Send a cookie in HelloRetryRequest and require it back (RFC 8446 section 4.2.2). Default false. */
  readonly helloRetryCookie?: boolean;
  /**
   * max_early_data_size to advertise in tickets (RFC 8446 4.6.1). Default 0: no early_data
   * extension. The server does not accept 0-RTT data yet: it rejects early data as RFC 8446
   * 4.2.10 allows (skipping it), so this only exists to interoperate with and replay peers
   * that expect the extension.
   */
  readonly ticketMaxEarlyData?: number;
  /** TLS 1.2 session-ID resumption: a cache shared by the server's connections. */
  readonly sessionCache?: SessionCache;
  /** Accept PSK resumption. Default true when tickets are enabled. */
  readonly resumption?: boolean;
}

/** A caller mistake: thrown at once, with a message that says what to fix. */
export class OptionsError extends TypeError {
  override name = 'OptionsError';
}

const versionRank: Record<TlsVersion, number> = { 'TLSv1.2': 2, 'TLSv1.3': 3 };

/** Checks the options both sides share, once, at the public boundary. */
export function checkCommonOptions(options: CommonOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new OptionsError('options must be an object');
  }
  if (typeof options.provider?.randomBytes !== 'function') {
    throw new OptionsError('options.provider must be a CryptoProvider (e.g. nobleProvider)');
  }
  const min = options.minVersion ?? 'TLSv1.2';
  const max = options.maxVersion ?? 'TLSv1.3';
  if (!(min in versionRank) || !(max in versionRank)) {
    throw new OptionsError("minVersion and maxVersion must be 'TLSv1.2' or 'TLSv1.3'");
  }
  if (versionRank[min] > versionRank[max]) {
    throw new OptionsError(`minVersion ${min} is above maxVersion ${max}`);
  }
  const limit = options.recordSizeLimit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 64 || limit > 16385)) {
    throw new OptionsError('recordSizeLimit must be an integer from 64 to 16385 (RFC 8449)');
  }
  for (const name of options.alpnProtocols ?? []) {
    const length = new TextEncoder().encode(name).length;
    if (length < 1 || length > 255) {
      throw new OptionsError(`ALPN protocol name "${name}" must be 1..255 bytes`);
    }
  }
}
