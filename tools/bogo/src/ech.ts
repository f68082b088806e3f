/**
 * Encrypted ClientHello flags of BoringSSL's shim. Server: -ech-server-config, -ech-server-key
 * and -ech-is-retry-config (one of each per configuration, in order) become
 * `ServerOptions.echKeys`. Client: -ech-config-list becomes `ClientOptions.echConfigList`, and
 * -expect-ech-retry-configs / -expect-no-ech-retry-configs expect the connection to fail with
 * `EchRejectedError` carrying those configurations. Both: -expect-ech-accept is checked against
 * `HandshakeInfo.echAccepted` (without it, ECH must not have been accepted, as SSL_ech_accepted
 * is compared both ways).
 */
import {
  type ClientOptions,
  type EchKey,
  EchRejectedError,
  type HandshakeInfo,
  type ServerOptions,
} from '@tlskit/handshake';
import { flagBool, flagInts, flagString, flagStrings, type ShimConfig } from './flags.js';
import { base64, Unsupported } from './options.js';

/** `echKeys` for the server, or nothing when no -ech-server-config was given. */
export function echServerOptions(config: ShimConfig): Pick<ServerOptions, 'echKeys'> {
  const configs = flagStrings(config, '-ech-server-config');
  const keys = flagStrings(config, '-ech-server-key');
  const retry = flagInts(config, '-ech-is-retry-config');
  if (configs.length === 0 && keys.length === 0) return {};
  if (configs.length !== keys.length || configs.length !== retry.length) {
    throw new Unsupported(
      '-ech-server-config, -ech-server-key, -ech-is-retry-config differ in count',
    );
  }
  const echKeys: EchKey[] = configs.map((c, i) => ({
    config: base64(c),
    privateKey: base64(keys[i]!),
    sendAsRetry: retry[i] !== 0,
  }));
  return { echKeys };
}

/** -expect-ech-accept, both ways. */
export function checkEch(config: ShimConfig, info: HandshakeInfo): string | undefined {
  const want = flagBool(config, '-expect-ech-accept');
  const got = info.echAccepted === true;
  if (want === got) return undefined;
  return got ? 'ECH unexpectedly accepted' : 'ECH was not accepted';
}

/** `echConfigList` for the client, or nothing without -ech-config-list. */
export function echClientOptions(
  config: ShimConfig,
): Pick<ClientOptions, 'echConfigList' | 'echGrease'> {
  const list = flagString(config, '-ech-config-list');
  return {
    ...(list === undefined ? {} : { echConfigList: base64(list) }),
    ...(flagBool(config, '-enable-ech-grease') ? { echGrease: true } : {}),
  };
}

/**
 * Runs one connection that -expect-ech-retry-configs or -expect-no-ech-retry-configs says must
 * end in an ECH rejection with those retry configurations (none: empty), as BoringSSL's shim
 * checks it. The rejection is still rethrown: the runner expects :ECH_REJECTED:.
 */
export async function expectEchRejection(
  config: ShimConfig,
  run: () => Promise<void>,
  fail: (message: string) => Error,
): Promise<void> {
  const none = flagBool(config, '-expect-no-ech-retry-configs');
  const want = flagString(config, '-expect-ech-retry-configs');
  if (!none && want === undefined) return run();
  try {
    await run();
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    if (!(cause instanceof EchRejectedError)) throw error;
    const got = Buffer.from(cause.retryConfigs ?? new Uint8Array(0));
    const expected = none ? Buffer.alloc(0) : Buffer.from(base64(want ?? ''));
    if (!got.equals(expected)) throw fail('ECH retry configs did not match expectations.');
    throw error;
  }
  throw fail('Expected ECH rejection, but connection succeeded.');
}
