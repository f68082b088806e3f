import type { CertificateRequestInfo } from '@tlskit/handshake';
import { TlsError } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import {
  CertCallbackFailed,
  clientCertCallback,
  decodeHexNames,
  serverCertificateRequest,
} from '../src/client-cert.js';
import { errorString } from '../src/errors.js';
import { parseArgs, type ShimConfig } from '../src/flags.js';

function config(args: string[]): ShimConfig {
  const result = parseArgs(args);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.initial;
}

const first = { chain: [Uint8Array.of(0x30, 0)], key: {} as never };
const main = { chain: [Uint8Array.of(0x30, 1)], key: {} as never };
const request: CertificateRequestInfo = {
  version: 'TLSv1.2',
  signatureSchemes: [0x0403],
  signatureSchemesCert: undefined,
  certificateAuthorities: [Uint8Array.of(0x30, 0x00), Uint8Array.of(0x30, 0x01, 0x05)],
  certificateTypes: [1, 64],
  serverName: undefined,
  postHandshake: false,
};

describe('client certificate callback flags', () => {
  it('reads the runner hex name lists', () => {
    expect(decodeHexNames('')).toEqual([]);
    expect(decodeHexNames('3000,300105')).toEqual(request.certificateAuthorities);
    expect(() => decodeHexNames('30g0')).toThrow();
  });

  it('installs no callback without a flag that asks for one', () => {
    expect(clientCertCallback(config([]), [first, main])).toEqual({});
  });

  it('answers every credential (new cert_cb) or the default one (old client_cert_cb), later under -async', async () => {
    const fresh = clientCertCallback(config(['-expect-client-ca-list', '3000,300105']), [
      first,
      main,
    ]);
    expect(fresh.clientCertCallback!(request)).toEqual([first, main]);
    const old = clientCertCallback(config(['-use-old-client-cert-callback']), [first, main]);
    expect(old.clientCertCallback!(request)).toEqual([main]);
    const later = clientCertCallback(config(['-use-old-client-cert-callback', '-async']), [main]);
    const answer = later.clientCertCallback!(request);
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toEqual([main]);
  });

  it('fails when the request is not what the flags expect, or under -fail-cert-callback', () => {
    const names = clientCertCallback(config(['-expect-client-ca-list', '3000']), [main]);
    expect(() => names.clientCertCallback!(request)).toThrow(CertCallbackFailed);
    const types = clientCertCallback(config(['-expect-certificate-types', 'AUA=']), [main]);
    expect(types.clientCertCallback!(request)).toEqual([main]);
    const wrongTypes = clientCertCallback(config(['-expect-certificate-types', 'QAE=']), [main]);
    expect(() => wrongTypes.clientCertCallback!(request)).toThrow(CertCallbackFailed);
    const fail = clientCertCallback(config(['-fail-cert-callback']), [main]);
    expect(() => fail.clientCertCallback!(request)).toThrow('-fail-cert-callback');
  });

  it('sends the server CA names of -use-client-ca-list; <NULL> and <EMPTY> send none', () => {
    expect(serverCertificateRequest(config(['-use-client-ca-list', '3000']))).toEqual({
      clientCertificateAuthorities: [Uint8Array.of(0x30, 0)],
    });
    expect(serverCertificateRequest(config(['-use-client-ca-list', '<NULL>']))).toEqual({});
    expect(serverCertificateRequest(config(['-use-client-ca-list', '<EMPTY>']))).toEqual({});
  });

  it('reports a failed cert callback as :CERT_CB_ERROR:, on either side', () => {
    const server = serverCertificateRequest(config(['-fail-cert-callback']));
    let thrown: unknown;
    try {
      server.chooseConfig!({
        serverName: undefined,
        alpnProtocols: [],
        cipherSuites: [],
        signatureSchemes: [],
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CertCallbackFailed);
    // tlskit wraps a chooseConfig failure as ERR_INTERNAL with the error as its cause.
    expect(errorString(new TlsError('ERR_INTERNAL', 80, 'x', { cause: thrown }))).toBe(
      ':CERT_CB_ERROR:',
    );
    expect(errorString(new TlsError('ERR_CLIENT_CERT_CALLBACK', 80, 'x'))).toBe(':CERT_CB_ERROR:');
  });
});
