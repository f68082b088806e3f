/**
 * Encrypted ClientHello flags of BoringSSL's shim, server side: -ech-server-config,
 * -ech-server-key and -ech-is-retry-config (one of each per configuration, in order) become
 * `ServerOptions.echKeys`; -expect-ech-accept is checked against `HandshakeInfo.echAccepted`
 * (without it, ECH must not have been accepted, as SSL_ech_accepted is compared both ways).
 */
import type { EchKey, HandshakeInfo, ServerOptions } from '@tlskit/handshake';
import { flagBool, flagInts, flagStrings, type ShimConfig } from './flags.js';
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
