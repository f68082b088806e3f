/**
 * The annotated handshake trace of `demo` and `connect --trace`: one block per handshake message
 * (direction, name, size), then the fields a reader looks for. The engine's `message` event
 * carries the message as it decoded it; the fields it does not name (SNI, random, key share
 * sizes, certificate subjects) are read from that here, with @tlskit/x509 for the certificates.
 * Only traces built outside an engine (the scan's probes) are decoded here.
 */
import type { AlertEvent, MessageTrace } from '@tlskit/handshake';
import {
  decodeHandshake,
  type Extension,
  ExtensionType,
  findExtension,
  HandshakeType,
  type HandshakeMessage,
  ianaCipherSuites as CipherSuite,
  ianaNamedGroups as NamedGroup,
  ianaSignatureSchemes as SignatureScheme,
  nameOf,
  ProtocolVersion,
} from '@tlskit/wire';
import { formatName, parseCertificate } from '@tlskit/x509';
import { byteCount } from './tree.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const names = (table: Readonly<Record<string, number>>, values: readonly number[]): string =>
  values.map((v) => nameOf(table, v)).join(', ');
// The registry spells versions TLSv1_3; people (and node:tls) write TLSv1.3.
const versionNames = (values: readonly number[]): string =>
  names(ProtocolVersion, values).replace(/TLSv1_(\d)/g, 'TLSv1.$1');

/** The subject of a DER certificate, or why it could not be read. */
export function certificateSubject(der: Uint8Array): string {
  try {
    return formatName(parseCertificate(der).subject);
  } catch {
    return `(unparseable certificate, ${byteCount(der.length)})`;
  }
}

/**
 * Turns `message` events into text. It keeps the protocol version seen in the ServerHello,
 * because Certificate and CertificateRequest differ between TLS 1.2 and 1.3.
 */
export class Tracer {
  #protocol: 'tls12' | 'tls13' = 'tls13';
  readonly #role: 'client' | 'server';

  /** `role` is the side whose engine reports the messages (it decides the arrows). */
  constructor(role: 'client' | 'server') {
    this.#role = role;
  }

  /** The client random of the first ClientHello seen, as hex (it keys the NSS key log). */
  clientRandom: string | undefined;

  /** The lines for one message, ending with a newline. */
  format(trace: MessageTrace): string {
    const arrow = this.#arrow(trace.direction);
    const lines = [`${arrow}  ${trace.type} (${byteCount(trace.length)})`];
    for (const [key, value] of this.fields(trace)) lines.push(`    ${key}: ${value}`);
    return `${lines.join('\n')}\n`;
  }

  /** One line for an alert, e.g. `server -> client  alert: fatal certificate_required (116)`. */
  formatAlert(alert: AlertEvent): string {
    const arrow = this.#arrow(alert.direction);
    const level = alert.level === 2 ? 'fatal' : 'warning';
    return `${arrow}  alert: ${level} ${alert.name} (${alert.description})\n`;
  }

  #arrow(direction: 'sent' | 'received'): string {
    return this.fromClient(direction) ? 'client -> server' : 'server -> client';
  }

  /** True when a message reported in `direction` travels from the client to the server. */
  fromClient(direction: 'sent' | 'received'): boolean {
    return (direction === 'sent') === (this.#role === 'client');
  }

  /** The fields worth showing of one message, as `[label, value]` pairs (what `format` prints). */
  fields(trace: MessageTrace): [string, string][] {
    if (trace.type === 'change_cipher_spec') {
      return [
        [
          'note',
          this.#protocol === 'tls13'
            ? 'no meaning in TLS 1.3: sent for middlebox compatibility (RFC 8446 D.4)'
            : 'what follows uses the negotiated keys (RFC 5246 7.1)',
        ],
      ];
    }
    let message: HandshakeMessage;
    try {
      message = trace.message ?? decodeHandshake(trace.bytes, { protocol: this.#protocol }).message;
    } catch {
      return Object.entries(trace.fields).map(([k, v]) => [k, JSON.stringify(v)]);
    }
    switch (message.type) {
      case HandshakeType.clientHello: {
        this.clientRandom ??= hex(message.random);
        const ext = message.extensions;
        const sni = findExtension(ext, ExtensionType.serverName)?.serverNames[0]?.name;
        const versions = findExtension(ext, ExtensionType.supportedVersions);
        const shares = findExtension(ext, ExtensionType.keyShare);
        return compact([
          ['random', hex(message.random)],
          ['server name (SNI)', sni === undefined ? undefined : text(sni)],
          [
            'versions',
            versions !== undefined && 'versions' in versions
              ? versionNames(versions.versions)
              : versionNames([message.legacyVersion]),
          ],
          ['cipher suites', names(CipherSuite, message.cipherSuites)],
          ['groups', groupsOf(ext)],
          [
            'key shares',
            shares !== undefined && 'clientShares' in shares
              ? shares.clientShares
                  .map((s) => `${nameOf(NamedGroup, s.group)} (${byteCount(s.keyExchange.length)})`)
                  .join(', ')
              : undefined,
          ],
          ['signature schemes', schemesOf(ext)],
          ['ALPN', alpnOf(ext)],
        ]);
      }
      case HandshakeType.serverHello: {
        const ext = message.extensions;
        const sv = findExtension(ext, ExtensionType.supportedVersions);
        const version =
          sv !== undefined && 'selectedVersion' in sv ? sv.selectedVersion : message.legacyVersion;
        this.#protocol = version === ProtocolVersion.TLSv1_3 ? 'tls13' : 'tls12';
        const ks = findExtension(ext, ExtensionType.keyShare);
        let share: string | undefined;
        if (ks !== undefined && 'serverShare' in ks) {
          share = `${nameOf(NamedGroup, ks.serverShare.group)} (${byteCount(ks.serverShare.keyExchange.length)})`;
        }
        return compact([
          message.isHelloRetryRequest
            ? ['HelloRetryRequest', 'the server wants another key share (RFC 8446 4.1.4)']
            : ['random', hex(message.random)],
          ['version', versionNames([version])],
          ['cipher suite', nameOf(CipherSuite, message.cipherSuite)],
          ['key share', share],
          [
            'selected group',
            ks !== undefined && 'selectedGroup' in ks
              ? nameOf(NamedGroup, ks.selectedGroup)
              : undefined,
          ],
          [
            'note',
            this.#protocol === 'tls13' && !message.isHelloRetryRequest
              ? 'every message after this one is encrypted (RFC 8446 2)'
              : undefined,
          ],
        ]);
      }
      case HandshakeType.encryptedExtensions:
        return compact([
          [
            'extensions',
            message.extensions.map((e) => nameOf(ExtensionType, e.type)).join(', ') || '(none)',
          ],
          ['ALPN', alpnOf(message.extensions)],
        ]);
      case HandshakeType.certificate: {
        const ders =
          message.protocol === 'tls13'
            ? message.certificateList.map((e) => e.data)
            : message.certificateList;
        if (ders.length === 0) return [['certificates', 'none']];
        return ders.map((der, i) => [
          i === 0 ? 'leaf' : `chain[${i}]`,
          `${certificateSubject(der)} (${byteCount(der.length)})`,
        ]);
      }
      case HandshakeType.certificateRequest:
        return message.protocol === 'tls13'
          ? compact([['signature schemes', schemesOf(message.extensions)]])
          : [];
      case HandshakeType.serverKeyExchange:
        return [
          ['group', nameOf(NamedGroup, message.namedCurve)],
          ['public key', byteCount(message.publicKey.length)],
          ['signature scheme', nameOf(SignatureScheme, message.algorithm)],
        ];
      case HandshakeType.clientKeyExchange:
        return [['public key', byteCount(message.publicKey.length)]];
      case HandshakeType.certificateVerify:
        return [
          ['signature scheme', nameOf(SignatureScheme, message.algorithm)],
          ['signature', byteCount(message.signature.length)],
        ];
      case HandshakeType.finished:
        return [['verify_data', byteCount(message.verifyData.length)]];
      case HandshakeType.newSessionTicket:
        return [['ticket', byteCount(message.ticket.length)]];
      default:
        return [];
    }
  }
}

function compact(entries: [string, string | undefined][]): [string, string][] {
  return entries.filter((e): e is [string, string] => e[1] !== undefined);
}

function alpnOf(ext: readonly Extension[]): string | undefined {
  const alpn = findExtension(ext, ExtensionType.applicationLayerProtocolNegotiation);
  return alpn?.protocols.map(text).join(', ');
}

function groupsOf(ext: readonly Extension[]): string | undefined {
  const groups = findExtension(ext, ExtensionType.supportedGroups);
  return groups === undefined ? undefined : names(NamedGroup, groups.groups);
}

function schemesOf(ext: readonly Extension[]): string | undefined {
  const schemes = findExtension(ext, ExtensionType.signatureAlgorithms);
  return schemes === undefined ? undefined : names(SignatureScheme, schemes.schemes);
}
