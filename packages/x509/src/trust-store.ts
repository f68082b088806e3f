import { bytesKey } from '@tlskit/wire';
import { type Certificate, parseCertificate } from './certificate.js';
import { CertificateError } from './errors.js';
import { parsePem } from './pem.js';

/**
 * A set of trust anchors. Anchors are certificates; validation treats them as the top of a
 * path, checks their validity period and extensions like any CA's, and never checks their
 * own signature.
 */
export class TrustStore {
  readonly #bySubject = new Map<string, Certificate[]>();
  readonly #der = new Set<string>();
  readonly #all: Certificate[] = [];

  /** Anchors from certificates (parsed or DER). */
  constructor(anchors: Iterable<Certificate | Uint8Array> = []) {
    for (const anchor of anchors) this.add(anchor);
  }

  /**
   * Anchors from a PEM bundle (e.g. `/etc/ssl/certs/ca-certificates.crt`). With `skipInvalid`,
   * certificates that do not parse are left out instead of failing the whole bundle. Text that
   * holds no certificate at all (empty, a key, a truncated file) throws a {@link CertificateError}
   * (`ERR_PEM_NO_CERTIFICATE`, or `ERR_CERT_MALFORMED` for a BEGIN line without its END).
   */
  static fromPem(
    text: string | readonly string[],
    options: { skipInvalid?: boolean } = {},
  ): TrustStore {
    const store = new TrustStore();
    const texts: readonly unknown[] =
      typeof text === 'string' || !Array.isArray(text) ? [text] : text;
    let found = 0;
    for (const pem of texts) {
      if (typeof pem !== 'string') {
        throw new CertificateError(
          'ERR_PEM_NO_CERTIFICATE',
          'TrustStore.fromPem: expected PEM text',
        );
      }
      for (const der of parsePem(pem)) {
        found++;
        try {
          store.add(der);
        } catch (error) {
          if (!options.skipInvalid) throw error;
        }
      }
    }
    // A bundle with no certificate is a configuration mistake (a key file, an empty file, the
    // wrong path's contents): an empty store would only fail later, as "unknown issuer".
    if (found === 0) {
      throw new CertificateError(
        'ERR_PEM_NO_CERTIFICATE',
        'TrustStore.fromPem: the PEM text holds no CERTIFICATE block',
      );
    }
    return store;
  }

  /** Adds an anchor; a certificate already present is not added twice. */
  add(anchor: Certificate | Uint8Array): this {
    const certificate = anchor instanceof Uint8Array ? parseCertificate(anchor) : anchor;
    const id = derKey(certificate.der);
    if (this.#der.has(id)) return this;
    this.#der.add(id);
    this.#all.push(certificate);
    const list = this.#bySubject.get(certificate.subject.key);
    if (list) list.push(certificate);
    else this.#bySubject.set(certificate.subject.key, [certificate]);
    return this;
  }

  /** Anchors whose subject matches `nameKey` (a {@link Name}.key). */
  bySubject(nameKey: string): readonly Certificate[] {
    return this.#bySubject.get(nameKey) ?? [];
  }

  /** True when exactly this certificate (same DER) is an anchor. */
  has(certificate: Certificate): boolean {
    return this.#der.has(derKey(certificate.der));
  }

  /** Number of anchors. */
  get size(): number {
    return this.#all.length;
  }

  /** Every anchor. */
  get anchors(): readonly Certificate[] {
    return this.#all;
  }
}

const derKeys = new WeakMap<Uint8Array, string>();

/** A string key for DER identity (latin1 of the bytes: collision-free), memoised per array. */
export function derKey(der: Uint8Array): string {
  let key = derKeys.get(der);
  if (key === undefined) {
    key = bytesKey(der);
    derKeys.set(der, key);
  }
  return key;
}
