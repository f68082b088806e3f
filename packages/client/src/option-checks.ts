/**
 * Checks of the node:tls-named options both facades share, made before any I/O. A node:tls
 * option tlskit does not implement is refused by name rather than ignored: ignoring `ciphers` or
 * `secureProtocol` would run a connection with settings its author did not choose (issue 13).
 */
import { TlsOptionError } from './option-errors.js';

/** node:tls options tlskit lacks, each with what to use instead (or why there is nothing). */
const unsupported: Readonly<Record<string, string>> = {
  ciphers: 'use cipherSuites with IANA names, e.g. ["TLS_AES_128_GCM_SHA256"]',
  secureProtocol: "use minVersion / maxVersion ('TLSv1.2', 'TLSv1.3')",
  ecdhCurve: 'use groups with IANA names, e.g. ["x25519", "secp256r1"]',
  sigalgs: 'use engine: { signatureSchemes } with SignatureScheme code points',
  honorCipherOrder: 'the server always chooses by its own cipherSuites order',
  pfx: 'give cert and key as PEM (openssl pkcs12 -nodes converts a PFX)',
  crl: 'CRLs are not checked by the facades; verify with @tlskit/x509 verifyChain({ crls })',
  dhparam: 'TLS 1.2 DHE is not implemented; TLS 1.3 uses the RFC 7919 groups (groups option)',
  secureOptions: 'OpenSSL option bits have no meaning in tlskit',
  secureContext: 'pass ca, cert and key directly (or use SNICallback on the server)',
  sessionIdContext: 'TLS 1.2 session IDs are scoped to the server that issued them',
  clientCertEngine: 'OpenSSL engines do not exist in tlskit',
  privateKeyEngine: 'OpenSSL engines do not exist in tlskit',
  privateKeyIdentifier: 'OpenSSL engines do not exist in tlskit',
  pskIdentityHint: 'TLS 1.3 PSKs have no identity hint and TLS 1.2 PSK suites are not implemented',
  ALPNCallback: 'use ALPNProtocols',
  enableTrace: "listen to the engine's 'message' events (tlskit trace)",
  path: 'connect over TCP (host, port) or pass an open socket as socket',
};

/** Throws ERR_TLS_UNSUPPORTED_OPTION for the first node:tls option tlskit does not implement. */
export function refuseUnsupportedOptions(options: object, role: 'client' | 'server'): void {
  for (const [name, instead] of Object.entries(unsupported)) {
    const value = (options as Record<string, unknown>)[name];
    if (value === undefined) continue;
    // node:tls clients ignore honorCipherOrder and sessionIdContext: only servers act on them.
    if (role === 'client' && (name === 'honorCipherOrder' || name === 'sessionIdContext')) continue;
    throw new TlsOptionError(
      'ERR_TLS_UNSUPPORTED_OPTION',
      name,
      `tlskit does not support this node:tls option: ${instead}`,
    );
  }
}

const versions = ['TLSv1.2', 'TLSv1.3'];

/** The options whose check does not need the engine: versions, ALPN, provider, passphrase. */
export function checkCommonFacadeOptions(options: {
  minVersion?: unknown;
  maxVersion?: unknown;
  ALPNProtocols?: unknown;
  provider?: unknown;
  passphrase?: unknown;
}): void {
  for (const option of ['minVersion', 'maxVersion'] as const) {
    const value = options[option];
    if (value !== undefined && !versions.includes(value as string)) {
      // node:tls knows TLSv1 and TLSv1.1 too; tlskit implements only 1.2 and 1.3.
      throw new TlsOptionError(
        'ERR_TLS_INVALID_PROTOCOL_VERSION',
        option,
        `${JSON.stringify(value)} is not a TLS version tlskit supports ('TLSv1.2' or 'TLSv1.3')`,
      );
    }
  }
  if (options.minVersion === 'TLSv1.3' && options.maxVersion === 'TLSv1.2') {
    throw new TlsOptionError(
      'ERR_TLS_INVALID_PROTOCOL_VERSION',
      'minVersion',
      'TLSv1.3 is above maxVersion TLSv1.2',
    );
  }
  const alpn = options.ALPNProtocols;
  if (alpn !== undefined) {
    if (!Array.isArray(alpn) || !alpn.every((p) => typeof p === 'string')) {
      throw new TlsOptionError(
        'ERR_INVALID_ARG_TYPE',
        'ALPNProtocols',
        'must be an array of protocol names (strings)',
      );
    }
    for (const name of alpn as string[]) {
      const length = new TextEncoder().encode(name).length;
      if (length < 1 || length > 255) {
        throw new TlsOptionError(
          'ERR_INVALID_ARG_VALUE',
          'ALPNProtocols',
          `protocol name ${JSON.stringify(name)} must be 1..255 bytes`,
        );
      }
    }
  }
  const provider = options.provider as { randomBytes?: unknown } | undefined;
  if (provider !== undefined && typeof provider?.randomBytes !== 'function') {
    throw new TlsOptionError(
      'ERR_INVALID_ARG_TYPE',
      'provider',
      'must be a CryptoProvider (e.g. nobleProvider)',
    );
  }
  if (options.passphrase !== undefined && typeof options.passphrase !== 'string') {
    throw new TlsOptionError('ERR_INVALID_ARG_TYPE', 'passphrase', 'must be a string');
  }
}
