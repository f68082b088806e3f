/** Certificates and trust anchors for a server, like node:tls's SecureContext. */
import type { CryptoProvider } from '@tlskit/crypto';
import {
  type CertificateMaterial,
  loadCertificate,
  loadTrustAnchors,
  type PemInput,
} from '@tlskit/client';
import type { CertificateEntry } from '@tlskit/handshake';

/** Options of {@link createSecureContext}; as node:tls: `key[i]` belongs to `cert[i]`. */
export interface SecureContextOptions {
  /** Private key(s), PEM. Several keys serve several certificates (e.g. ECDSA and RSA side by side). */
  key?: PemInput | PemInput[];
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
}

/** Loaded credentials; the keys are imported once, on first use. */
export class SecureContext {
  readonly options: SecureContextOptions;
  #loaded: Promise<CertificateEntry[]> | undefined;
  #ca: Uint8Array[] | undefined;

  constructor(options: SecureContextOptions) {
    const keys = toList(options.key);
    const certs = toList(options.cert);
    if (keys.length !== certs.length) {
      throw new TypeError(
        `key and cert must pair up: got ${keys.length} key(s) and ${certs.length} cert(s)`,
      );
    }
    this.options = options;
    this.#ca = options.ca === undefined ? undefined : loadTrustAnchors(options.ca);
  }

  /** Trust anchors for client authentication (DER). */
  get ca(): Uint8Array[] | undefined {
    return this.#ca;
  }

  /** The certificate entries for the engine, keys imported through `provider`. */
  certificates(provider: CryptoProvider): Promise<CertificateEntry[]> {
    this.#loaded ??= (async () => {
      const keys = toList(this.options.key);
      const certs = toList(this.options.cert);
      const staples = this.options.ocspResponse;
      const stapleList = staples === undefined ? [] : Array.isArray(staples) ? staples : [staples];
      const entries: CertificateMaterial[] = [];
      for (let i = 0; i < keys.length; i++)
        entries.push(
          withStaple(await loadCertificate(provider, certs[i]!, keys[i]!), stapleList[i]),
        );
      for (const entry of this.options.certificates ?? []) {
        const loaded = await loadCertificate(provider, entry.cert, entry.key, entry.serverNames);
        entries.push(withStaple(loaded, entry.ocspResponse));
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
function toList(value: PemInput | PemInput[] | undefined): PemInput[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Builds a {@link SecureContext} (node:tls.createSecureContext). */
export function createSecureContext(options: SecureContextOptions): SecureContext {
  return new SecureContext(options);
}
