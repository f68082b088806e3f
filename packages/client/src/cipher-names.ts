/** node:tls reports OpenSSL's names for suites in `getCipher().name`; IANA's in `standardName`. */
import { CIPHER_SUITES } from '@tlskit/crypto';

// @tlskit/crypto's suite table carries both names; TLS 1.3 suites keep the IANA name in OpenSSL.
const openSslNames: ReadonlyMap<string, string> = new Map(
  CIPHER_SUITES.map((suite) => [suite.name, suite.openssl]),
);

/** OpenSSL's name for an IANA cipher suite name (TLS 1.3 names are the same in both). */
export function openSslCipherName(iana: string): string {
  return openSslNames.get(iana) ?? iana;
}
