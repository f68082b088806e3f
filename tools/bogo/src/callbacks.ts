/**
 * BoringSSL's server callbacks at ClientHello time, mapped onto one `ServerOptions.chooseConfig`
 * (called once per connection on the decoded and checked ClientHello), in BoringSSL's order: the
 * early callback (select_cert_cb: -use-early-callback installs the credentials there,
 * -fail-early-callback refuses), the DoS-protection callback (-install-ddos-callback,
 * -fail-ddos-callback), then the ALPN callback's checks (-expect-advertised-alpn, -reject-alpn).
 * A -cipher rule with equal-preference groups orders each group by the client's preference here.
 */
import type { ClientHelloInfo, ServerOptions } from '@tlskit/handshake';
import { TlsError } from '@tlskit/wire';
import { type Preference, suitesForClient } from './cipher-rules.js';
import { flagBool, flagString, type ShimConfig } from './flags.js';
import { parseAlpnList } from './alpn-list.js';

/**
 * A refusal by one of the shim's callbacks: the engine sends the TlsError's alert, and the shim
 * prints `reason` (BoringSSL's error string) instead of the one for the error code.
 */
export class CallbackRefusal extends TlsError {
  override name = 'CallbackRefusal';
  constructor(
    readonly reason: string,
    alert: number,
    message: string,
  ) {
    super(alert === 120 ? 'ERR_NO_APPLICATION_PROTOCOL' : 'ERR_HANDSHAKE_FAILURE', alert, message);
  }
}

/** A callback saw inputs the test did not expect (BoringSSL's shim exits 1 there). */
export class CallbackCheckFailed extends Error {
  override name = 'CallbackCheckFailed';
}

const handshakeFailure = 40;
const internalError = 80;
const noApplicationProtocol = 120;

/** Whether any flag needs the ClientHello-time hook. */
function needsHook(config: ShimConfig, cipherOrder: Preference | undefined): boolean {
  return (
    flagBool(config, '-use-early-callback') ||
    flagBool(config, '-fail-early-callback') ||
    flagBool(config, '-install-ddos-callback') ||
    flagBool(config, '-reject-alpn') ||
    flagString(config, '-expect-advertised-alpn') !== undefined ||
    (cipherOrder?.hasGroups ?? false)
  );
}

/**
 * The server options with the callbacks the flags ask for. Under -use-early-callback the
 * credentials are not configured up front: the hook hands them over, as BoringSSL's shim
 * installs them from its early callback.
 */
export function withServerCallbacks(
  config: ShimConfig,
  options: ServerOptions,
  cipherOrder: Preference | undefined,
): ServerOptions {
  if (!needsHook(config, cipherOrder)) return options;
  const early = flagBool(config, '-use-early-callback');
  const expectedAlpn = flagString(config, '-expect-advertised-alpn');
  // A hook the options already have (client-cert.ts's failing cert_cb) runs first.
  const before = options.chooseConfig;
  const chooseConfig = async (hello: ClientHelloInfo): Promise<ServerOptions | undefined> => {
    await before?.(hello);
    if (flagBool(config, '-fail-early-callback')) {
      throw new CallbackRefusal(':CONNECTION_REJECTED:', handshakeFailure, 'early callback failed');
    }
    if (flagBool(config, '-install-ddos-callback') && flagBool(config, '-fail-ddos-callback')) {
      throw new CallbackRefusal(':CONNECTION_REJECTED:', internalError, 'DoS callback refused');
    }
    // BoringSSL calls its ALPN callback only for a client that offered ALPN.
    if (hello.alpnProtocols.length > 0) {
      if (flagBool(config, '-reject-alpn')) {
        throw new CallbackRefusal(
          ':NO_APPLICATION_PROTOCOL:',
          noApplicationProtocol,
          'the ALPN callback refused every protocol',
        );
      }
      if (expectedAlpn !== undefined) {
        const want = parseAlpnList(expectedAlpn);
        const got = hello.alpnProtocols;
        if (want.length !== got.length || want.some((name, i) => name !== got[i])) {
          throw new CallbackCheckFailed('bad ALPN select callback inputs.');
        }
      }
    }
    const grouped = cipherOrder?.hasGroups === true ? cipherOrder : undefined;
    if (!early && grouped === undefined) return undefined;
    return {
      ...options,
      ...(grouped === undefined
        ? {}
        : { cipherSuites: suitesForClient(grouped, hello.cipherSuites) }),
    };
  };
  return {
    ...options,
    // The early callback installs the credentials: none before it runs.
    ...(early ? { certificates: [] } : {}),
    chooseConfig,
  };
}
