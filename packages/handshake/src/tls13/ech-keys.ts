/**
 * `ServerOptions.echKeys` checked and parsed once, when the server is prepared: a configuration
 * that does not parse, is not DHKEM(X25519, HKDF-SHA256), lists no suite tlskit's HPKE has, or
 * whose public key is not the private key's is a caller mistake (OptionsError).
 */
import { HpkeKem, hpkeSupported, hpkeX25519PublicKey } from '@tlskit/crypto';
import { equalBytes } from '@tlskit/wire';
import { decodeEchConfig, type EchServerKey } from '../core/ech-config.js';
import { type EchKey, OptionsError } from '../core/options.js';

export function resolveEchKeys(keys: readonly EchKey[] | undefined): readonly EchServerKey[] {
  if (keys === undefined) return [];
  if (!Array.isArray(keys)) throw new OptionsError('options.echKeys must be an array');
  return keys.map((key, i) => {
    const where = `options.echKeys[${i}]`;
    if (!(key?.config instanceof Uint8Array) || !(key.privateKey instanceof Uint8Array)) {
      throw new OptionsError(`${where} needs config and privateKey as Uint8Array`);
    }
    let config: EchServerKey['config'];
    try {
      config = decodeEchConfig(key.config);
    } catch (error) {
      throw new OptionsError(`${where}.config is not an ECHConfig (version 0xfe0d): ${error}`);
    }
    const kem = HpkeKem.DHKEM_X25519_HKDF_SHA256;
    if (config.kem !== kem) throw new OptionsError(`${where}: only DHKEM(X25519) is supported`);
    if (!config.cipherSuites.some((s) => hpkeSupported({ kem, ...s }))) {
      throw new OptionsError(`${where}: none of its HPKE cipher suites is supported`);
    }
    if (
      key.privateKey.length !== 32 ||
      !equalBytes(hpkeX25519PublicKey(key.privateKey), config.publicKey)
    ) {
      throw new OptionsError(`${where}.privateKey is not the key of the config's public key`);
    }
    return { config, privateKey: key.privateKey.slice(), sendAsRetry: key.sendAsRetry ?? true };
  });
}
