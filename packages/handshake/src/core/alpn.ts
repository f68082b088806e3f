/**
 * ALPN negotiation (RFC 7301), the same in both versions: the server selects from the
 * ClientHello, the client checks the selection (in the TLS 1.2 ServerHello or the TLS 1.3
 * EncryptedExtensions).
 */
import { type Extension, ExtensionType, findExtension } from '@tlskit/wire';
import { alpnNames } from './codec.js';
import { illegalParameter, noApplicationProtocol } from './errors.js';

/**
 * Server: our most preferred protocol among those the client offers, or undefined when either
 * side has none. RFC 7301 3.2: offers without overlap are fatal (no_application_protocol).
 */
export function selectAlpn(
  ours: readonly string[],
  clientExtensions: readonly Extension[],
): string | undefined {
  const ext = findExtension(clientExtensions, ExtensionType.applicationLayerProtocolNegotiation);
  if (ext === undefined || ours.length === 0) return undefined;
  const offered = alpnNames(ext.protocols);
  const chosen = ours.find((a) => offered.includes(a));
  if (chosen === undefined) throw noApplicationProtocol('no ALPN protocol in common');
  return chosen;
}

/**
 * Client: the protocol the server selected, if it selected one. RFC 7301 3.1: exactly one
 * protocol, one the client offered.
 */
export function selectedAlpn(
  offered: readonly string[],
  serverExtensions: readonly Extension[],
): string | undefined {
  const ext = findExtension(serverExtensions, ExtensionType.applicationLayerProtocolNegotiation);
  if (ext === undefined) return undefined;
  const names = alpnNames(ext.protocols);
  if (names.length !== 1 || !offered.includes(names[0]!)) {
    throw illegalParameter('server selected an ALPN protocol we did not offer');
  }
  return names[0];
}
