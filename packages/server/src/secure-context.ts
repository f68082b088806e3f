/** Certificates and trust anchors for a server, like node:tls's SecureContext. */
import type { CryptoProvider } from '@tlskit/crypto';
import {
  type CertificateMaterial,
  type CheckedCredential,
  checkCommonFacadeOptions,
  checkCredential,
  importCredential,
  loadTrustAnchors,
  type PemInput,
  refuseUnsupportedOptions,
  TlsOptionError,
} from '@tlskit/client';
import type { CertificateEntry } from '@tlskit/handshake';

/** A private key: PEM or DER, or node:tls's `{ pem, passphrase }` for a key with its own passphrase. */
export type KeyInput = PemInput | { pem: PemInput; passphrase?: string };

/** Options of {@link createSecureContext}; as node:tls: `key[i]` belongs to `cert[i]`. */
export interface SecureContextOptions {
  /** Private key(s), PEM. Several keys serve several certificates (e.g. ECDSA and RSA side by side). */
  key?: KeyInput | KeyInput[];
  /** Certificate chain(s), PEM: leaf first, then intermediates. One per key. */
  cert?: PemInput | PemInput[];
  /**
   * DER OCSP response(s) to staple when a client asks (status_request): one per `cert`, in the
   * same order. The server's `OCSPRequest` listeners, when any, take precedence.
   */
  ocspResponse?: Uint8Array | Uint8Array[];
  /** Explicit entries, each with the host names it serves (`*.example.com` allowed). */
  certificates?: {
    cert: PemInput | PemInput[];
    key: PemInput;
    serverNames?: string[];
    /** A DER OCSP response for this entry's leaf, stapled when a client asks. */
    ocspResponse?: Uint8Array;
  }[];
  /** Trust anchors for client certificates. */
  ca?: PemInput | PemInput[];
  /** Passphrase of encrypted keys (`ENCRYPTED PRIVATE KEY`, PBES2), as node:tls. */
  passphrase?: string;
}

/**
 * Loaded credentials. Every certificate and key is read and checked when the context is created
 * (a key that does not decode, is encrypted without `passphrase`, or does not belong to its
 * certificate throws a `TlsOptionError` at once, as node:tls does); the keys are imported into
 * the provider once, on first use.
 */
export class SecureContext {
  readonly options: SecureContextOptions;
  #loaded: Promise<CertificateEntry[]> | undefined;
  #ca: Uint8Array[] | undefined;
  readonly #credentials: {
    credential: CheckedCredential;
    serverNames?: readonly string[];
    ocspResponse?: Uint8Array;
  }[];

  constructor(options: SecureContextOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TlsOptionError('ERR_INVALID_ARG_TYPE', 'options', 'must be an object');
    }
    refuseUnsupportedOptions(options, 'server');
    // node:tls's createSecureContext also takes (and checks) minVersion, maxVersion, ...
    checkCommonFacadeOptions(options);
    const keys = toList(options.key);
    const certs = toList(options.cert);
    if (keys.length !== certs.length) {
      throw new TlsOptionError(
        'ERR_INVALID_ARG_VALUE',
        'key',
        `key and cert must pair up: got ${keys.length} key(s) and ${certs.length} cert(s)`,
      );
    }
    this.options = options;
    const { passphrase } = options;
    const staples = options.ocspResponse;
    const stapleList = staples === undefined ? [] : Array.isArray(staples) ? staples : [staples];
    this.#credentials = certs.map((cert, i) => {
      const key = keys[i]!;
      const staple = stapleList[i] === undefined ? {} : { ocspResponse: stapleList[i] };
      return typeof key === 'object' && 'pem' in key
        ? { credential: checkCredential(cert, key.pem, key.passphrase ?? passphrase), ...staple }
        : { credential: checkCredential(cert, key, passphrase), ...staple };
    });
    for (const entry of options.certificates ?? []) {
      this.#credentials.push({
        credential: checkCredential(entry.cert, entry.key, passphrase),
        ...(entry.serverNames === undefined ? {} : { serverNames: entry.serverNames }),
        ...(entry.ocspResponse === undefined ? {} : { ocspResponse: entry.ocspResponse }),
      });
    }
    this.#ca = options.ca === undefined ? undefined : loadTrustAnchors(options.ca);
  }

  /** Trust anchors for client authentication (DER). */
  get ca(): Uint8Array[] | undefined {
    return this.#ca;
  }

  /** The certificate entries for the engine, keys imported through `provider`. */
  certificates(provider: CryptoProvider): Promise<CertificateEntry[]> {
    this.#loaded ??= (async () => {
      const entries: CertificateMaterial[] = [];
      for (const { credential, serverNames, ocspResponse } of this.#credentials) {
        entries.push(
          withStaple(await importCredential(provider, credential, serverNames), ocspResponse),
        );
      }
      return entries;
    })();
    return this.#loaded;
  }
}

function withStaple(
  entry: CertificateMaterial,
  staple: Uint8Array | undefined,
): CertificateMaterial {
  return staple === undefined ? entry : { ...entry, ocspResponse: staple };
}

// A single PEM bundle is one chain; an array of strings is one chain per element (node:tls).
function toList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Builds a {@link SecureContext} (node:tls.createSecureContext). */
export function createSecureContext(options: SecureContextOptions): SecureContext {
  return new SecureContext(options);
}
