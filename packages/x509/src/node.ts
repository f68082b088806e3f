/**
 * Node.js-only helpers, kept out of the main entry so that browsers and workers never see a
 * `node:` import. Import from `@tlskit/x509/node`.
 *
 * @packageDocumentation
 */
import { rootCertificates } from 'node:tls';
import { TrustStore } from './trust-store.js';

/**
 * A trust store of the root certificates bundled with Node.js (`tls.rootCertificates`, the
 * Mozilla CA set of the running Node version). Roots that do not parse strictly are left out.
 */
export function nodeTrustStore(): TrustStore {
  return TrustStore.fromPem(rootCertificates, { skipInvalid: true });
}
