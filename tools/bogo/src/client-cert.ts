/**
 * The certificate callbacks of BoringSSL's shim over tlskit's hooks: the client's
 * `clientCertCallback` (BoringSSL's cert_cb, or the old client_cert_cb with
 * -use-old-client-cert-callback), which checks what the CertificateRequest asked
 * (-expect-client-ca-list, -expect-certificate-types) and may fail (-fail-cert-callback); the
 * server's CA names (-use-client-ca-list) and its failing cert_cb (`chooseConfig`).
 */
import type {
  CertificateEntry,
  CertificateRequestInfo,
  ClientOptions,
  ServerOptions,
} from '@tlskit/handshake';
import { flagBool, flagString, type ShimConfig } from './flags.js';

/** -fail-cert-callback: the callback failed (BoringSSL's :CERT_CB_ERROR:). */
export class CertCallbackFailed extends Error {
  override name = 'CertCallbackFailed';
}

/** DER Names from the runner's list: hex, comma-separated (encodeDERValues). */
export function decodeHexNames(text: string): Uint8Array[] {
  if (text === '') return [];
  return text.split(',').map((hex) => {
    if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) throw new Error(`not a hex DER value: ${hex}`);
    return new Uint8Array(Buffer.from(hex, 'hex'));
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameList(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((v, i) => sameBytes(v, b[i]!));
}

/** CheckCertificateRequest of BoringSSL's shim: what the server asked is what the test expects. */
export function checkCertificateRequest(config: ShimConfig, request: CertificateRequestInfo): void {
  const names = flagString(config, '-expect-client-ca-list');
  if (names !== undefined && !sameList(request.certificateAuthorities, decodeHexNames(names))) {
    throw new CertCallbackFailed('names in CertificateRequest differ from -expect-client-ca-list');
  }
  const types = flagString(config, '-expect-certificate-types');
  if (
    types !== undefined &&
    !sameBytes(Uint8Array.from(request.certificateTypes), Buffer.from(types, 'base64'))
  ) {
    throw new CertCallbackFailed('certificate types mismatch');
  }
}

/** The flags that put a callback between the CertificateRequest and the client's answer. */
const clientCallbackFlags = [
  '-use-old-client-cert-callback',
  '-fail-cert-callback',
  '-expect-client-ca-list',
  '-expect-certificate-types',
];

/**
 * The client's certificate callback, when the flags ask for one. `certificates` are the
 * credentials loaded from the flags (the default one last). The old callback (client_cert_cb)
 * hands over only the default credential, and under -async it answers on a later turn, as
 * BoringSSL's shim answers "retry" first.
 */
export function clientCertCallback(
  config: ShimConfig,
  certificates: readonly CertificateEntry[],
): Pick<ClientOptions, 'clientCertCallback'> {
  if (!clientCallbackFlags.some((flag) => config.values.has(flag))) return {};
  const old = flagBool(config, '-use-old-client-cert-callback');
  const fail = flagBool(config, '-fail-cert-callback');
  const answer = old ? certificates.slice(-1) : certificates;
  return {
    clientCertCallback: (request) => {
      checkCertificateRequest(config, request);
      if (fail) throw new CertCallbackFailed('-fail-cert-callback');
      if (old && flagBool(config, '-async')) {
        return new Promise((resolve) => setImmediate(() => resolve(answer)));
      }
      return answer;
    },
  };
}

/**
 * Server: -use-client-ca-list names the CAs to send (`<NULL>`: none set, `<EMPTY>`: an empty
 * list; tlskit sends the same bytes for both), and -fail-cert-callback fails the cert_cb that
 * BoringSSL runs once the ClientHello is read: tlskit's `chooseConfig`.
 */
export function serverCertificateRequest(
  config: ShimConfig,
): Pick<ServerOptions, 'clientCertificateAuthorities' | 'chooseConfig'> {
  const list = flagString(config, '-use-client-ca-list');
  const names =
    list === undefined || list === '<NULL>' || list === '<EMPTY>' ? [] : decodeHexNames(list);
  return {
    ...(names.length === 0 ? {} : { clientCertificateAuthorities: names }),
    ...(flagBool(config, '-fail-cert-callback')
      ? {
          chooseConfig: () => {
            throw new CertCallbackFailed('-fail-cert-callback');
          },
        }
      : {}),
  };
}
