/**
 * ECHConfig and ECHConfigList (RFC 9849 section 4): the public ECH configuration a server
 * publishes (in DNS, or as retry_configs) and a client encrypts its ClientHelloInner to. Shared
 * by both roles: the server parses its own configurations from its options, the client those it
 * is given.
 */
import { concatBytes, DecodeError, encodeWith, Reader } from '@tlskit/wire';

/** The ECHConfig version of RFC 9849 (the draft's 0xfe0d). */
export const ECH_CONFIG_VERSION = 0xfe0d;

/** An HPKE KDF and AEAD pair (HpkeSymmetricCipherSuite). */
export interface EchCipherSuite {
  readonly kdf: number;
  readonly aead: number;
}

/** One parsed ECHConfig of version 0xfe0d. */
export interface EchConfig {
  /** The whole encoded ECHConfig (version, length, contents): HPKE's info ends with it. */
  readonly raw: Uint8Array;
  readonly configId: number;
  readonly kem: number;
  readonly publicKey: Uint8Array;
  readonly cipherSuites: readonly EchCipherSuite[];
  readonly maximumNameLength: number;
  /** The DNS name of the client-facing server, for ClientHelloOuter and retry authentication. */
  readonly publicName: string;
  /** ECHConfigExtension types; a type with the high bit set is mandatory (RFC 9849 4.2). */
  readonly extensionTypes: readonly number[];
}

/**
 * The server's ECH configurations with their HPKE private keys, resolved from the options;
 * `sendAsRetry` marks the configurations sent as retry_configs when ECH is rejected.
 */
export interface EchServerKey {
  readonly config: EchConfig;
  readonly privateKey: Uint8Array;
  readonly sendAsRetry: boolean;
}

/** Reads one ECHConfig; undefined for another version (skipped, as RFC 9849 4 asks). */
function readEchConfig(r: Reader): EchConfig | undefined {
  const version = r.u16('ECHConfig.version');
  const contents = r.vector16('ECHConfig.contents', 0, 0xffff);
  if (version !== ECH_CONFIG_VERSION) return undefined;
  const header = encodeWith((w) => {
    w.u16(version, 'version');
    w.u16(contents.length, 'length');
  });
  const c = new Reader(contents);
  const configId = c.u8('config_id');
  const kem = c.u16('kem_id');
  const publicKey = c.vector16('public_key', 1, 0xffff);
  const suites = new Reader(c.vector16('cipher_suites', 4, 0xfffc));
  const cipherSuites = suites.all('cipher_suites', (s) => ({
    kdf: s.u16('kdf_id'),
    aead: s.u16('aead_id'),
  }));
  const maximumNameLength = c.u8('maximum_name_length');
  const name = c.vector8('public_name', 1, 255);
  const extensions = new Reader(c.vector16('extensions', 0, 0xffff));
  const extensionTypes = extensions.all('extensions', (e) => {
    const type = e.u16('extension type');
    e.vector16('extension data', 0, 0xffff);
    return type;
  });
  c.end('ECHConfigContents');
  return {
    raw: concatBytes([header, contents]),
    configId,
    kem,
    publicKey,
    cipherSuites,
    maximumNameLength,
    publicName: new TextDecoder().decode(name),
    extensionTypes,
  };
}

/** Decodes exactly one ECHConfig of version 0xfe0d. @throws DecodeError otherwise. */
export function decodeEchConfig(bytes: Uint8Array): EchConfig {
  const r = new Reader(bytes);
  const config = readEchConfig(r);
  r.end('ECHConfig');
  if (config === undefined) throw new DecodeError('ECHConfig: not version 0xfe0d');
  return config;
}

/**
 * Decodes an ECHConfigList (`ECHConfig ECHConfigList<4..2^16-1>`, with its length), keeping
 * the configurations of version 0xfe0d in order. @throws DecodeError when malformed.
 */
export function decodeEchConfigList(bytes: Uint8Array): EchConfig[] {
  const r = new Reader(bytes);
  const list = new Reader(r.vector16('ECHConfigList', 4, 0xffff));
  r.end('ECHConfigList');
  const configs: EchConfig[] = [];
  while (list.remaining > 0) {
    const config = readEchConfig(list);
    if (config !== undefined) configs.push(config);
  }
  return configs;
}

/** Encodes ECHConfigs (each already encoded) as an ECHConfigList. */
export function encodeEchConfigList(configs: readonly Uint8Array[]): Uint8Array {
  return encodeWith((w) =>
    w.vector16('ECHConfigList', 4, 0xffff, () => {
      for (const c of configs) w.bytes(c);
    }),
  );
}
