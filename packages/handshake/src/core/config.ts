/**
 * The configuration of both roles: settings checked and resolved once from the options at
 * createClient / createServer, then read by the states of either version. A common base holds
 * what both roles resolve the same way; the role hubs (client.ts, server.ts) build the rest.
 */
import { PskKeyExchangeMode } from '@tlskit/wire';
import type { AntiReplayStore } from './anti-replay.js';
import type { EchConfig, EchServerKey } from './ech-config.js';
import type { HpkeSuite } from '@tlskit/crypto';
import type { Session } from './events.js';
import {
  type CertificateVerifier,
  type ClientOptions,
  type CommonOptions,
  OptionsError,
  type ServerOptions,
  type TicketSealer,
} from './options.js';
import type { ExternalPsk, PskHash, PskMode } from './psk-types.js';
import {
  isSha1SignatureScheme,
  isTls12SignatureScheme,
  isTls13SignatureScheme,
} from './schemes.js';
import { decodeSession } from './session-codec.js';
import { defaultSuites12, defaultSuites13, suite12, suite13 } from './suites.js';

/** How a side checks its peer's chain, decided once from the options. */
export interface ChainPolicy {
  readonly verifier: CertificateVerifier | undefined;
  /** True only when the caller turned verification off by name. */
  readonly skip: boolean;
}

/** What both roles resolve the same way from their options. */
export interface CommonConfig<O extends CommonOptions = CommonOptions> {
  readonly options: O;
  /** TLS 1.3 suites, preferred first. */
  readonly suites: readonly number[];
  /** TLS 1.2 suites, preferred first (RFC 5289 / RFC 7905 ECDHE AEAD suites). */
  readonly suites12: readonly number[];
  readonly groups: readonly number[];
  /** Schemes for TLS 1.3 signatures (CertificateVerify), preferred first. */
  readonly signatureSchemes: readonly number[];
  /** Schemes for TLS 1.2 signatures (RSA PKCS#1 allowed, SHA-1 only when the caller lists it). */
  readonly signatureSchemes12: readonly number[];
  /** The schemes we may sign with (`options.signingSchemes`); undefined: any the key makes. */
  readonly signingSchemes: readonly number[] | undefined;
  /** ALPN protocol names, preferred first. */
  readonly alpn: readonly string[];
  readonly chain: ChainPolicy;
  /** PskKeyExchangeMode code points, preferred first. */
  readonly pskModes: readonly number[];
}

/** Client settings resolved once from the options. */
export interface ClientConfig extends CommonConfig<ClientOptions> {
  readonly keyShareGroups: readonly number[];
  readonly signatureSchemesCert: readonly number[] | undefined;
  readonly offerTls12: boolean;
  readonly offerTls13: boolean;
  /** `options.session`, decoded when it was given as bytes. */
  readonly session: Session | undefined;
  /** `options.externalPsk` with its hash resolved. */
  readonly externalPsk: (ExternalPsk & { readonly hash: PskHash }) | undefined;
  /** The ECH configuration and HPKE suite chosen from `options.echConfigList` (RFC 9849). */
  readonly ech: { readonly config: EchConfig; readonly suite: HpkeSuite } | undefined;
}

/** Server settings resolved once from the options. */
export interface ServerConfig extends CommonConfig<ServerOptions> {
  readonly sealer: TicketSealer | undefined;
  readonly ticketCount: number;
  readonly ticketLifetime: number;
  readonly recordSizeLimit: number;
  readonly allowTls12: boolean;
  readonly allowTls13: boolean;
  /** 0-RTT accepted per ticket (0: never). */
  readonly maxEarlyData: number;
  /** Single-use claims for early data; set whenever maxEarlyData > 0. */
  readonly antiReplay: AntiReplayStore | undefined;
  /** Largest difference between the client's and our ticket age for 0-RTT, ms (RFC 8446 8.3). */
  readonly earlyDataWindow: number;
  /** Encrypted ClientHello keys (RFC 9849), parsed from `options.echKeys`; empty without. */
  readonly echKeys: readonly EchServerKey[];
}

/** The versions the options allow, and each version's suites. */
export interface Versions {
  readonly tls12: boolean;
  readonly tls13: boolean;
  readonly suites13: number[];
  readonly suites12: number[];
}

/**
 * The versions and suites the options allow. A version whose suites were all left out of
 * `cipherSuites` is not offered; leaving out every suite is a caller error.
 */
export function resolveVersions(o: CommonOptions): Versions {
  const suites13 = (o.cipherSuites ?? defaultSuites13).filter((s) => suite13(s) !== undefined);
  const suites12 = (o.cipherSuites ?? defaultSuites12).filter((s) => suite12(s) !== undefined);
  const tls12 = (o.minVersion ?? 'TLSv1.2') === 'TLSv1.2' && suites12.length > 0;
  const tls13 = (o.maxVersion ?? 'TLSv1.3') === 'TLSv1.3' && suites13.length > 0;
  if (!tls12 && !tls13) {
    throw new OptionsError('cipherSuites has no suite tlskit implements for the allowed versions');
  }
  return { tls12, tls13, suites13, suites12 };
}

/** The configured groups; at least one must be one the provider implements. */
export function resolveGroups(o: CommonOptions): number[] {
  const groups = [...(o.groups ?? o.provider.supportedGroups)];
  if (!groups.some((g) => o.provider.keyExchange(g) !== undefined)) {
    throw new OptionsError('groups has no group the provider implements');
  }
  return groups;
}

function resolveSchemes(o: CommonOptions): number[] {
  const schemes = [
    ...(o.signatureSchemes ?? o.provider.supportedSignatureSchemes.filter(isTls13SignatureScheme)),
  ];
  if (schemes.length === 0) throw new OptionsError('signatureSchemes is empty');
  return schemes;
}

/**
 * The TLS 1.2 schemes: by default the provider's, without SHA-1 even when the provider can do
 * it; the SHA-1 schemes only when the caller lists them (RFC 9155).
 */
function resolveSchemes12(o: CommonOptions): number[] {
  if (o.signatureSchemes === undefined) {
    return o.provider.supportedSignatureSchemes.filter(isTls12SignatureScheme);
  }
  return o.signatureSchemes.filter((s) => isTls12SignatureScheme(s) || isSha1SignatureScheme(s));
}

/** Code points for mode names, in the caller's order; checked at the boundary. */
export function pskModeCodes(
  option: string,
  modes: readonly PskMode[] | undefined,
  fallback: readonly PskMode[],
): number[] {
  const list = modes ?? fallback;
  if (!Array.isArray(list) || list.length === 0) {
    throw new OptionsError(`${option} needs at least one of 'psk_dhe_ke', 'psk_ke'`);
  }
  return list.map((mode) => {
    if (mode !== 'psk_dhe_ke' && mode !== 'psk_ke') {
      throw new OptionsError(`${option}: unknown PSK key exchange mode ${String(mode)}`);
    }
    return mode === 'psk_ke' ? PskKeyExchangeMode.psk_ke : PskKeyExchangeMode.psk_dhe_ke;
  });
}

/** The part of the configuration both roles resolve the same way. */
export function resolveCommonConfig<O extends ClientOptions | ServerOptions>(
  options: O,
  versions: Versions,
  chain: ChainPolicy,
): CommonConfig<O> {
  return {
    options,
    suites: versions.suites13,
    suites12: versions.suites12,
    signatureSchemes12: resolveSchemes12(options),
    groups: resolveGroups(options),
    signatureSchemes: resolveSchemes(options),
    signingSchemes: options.signingSchemes,
    alpn: options.alpnProtocols ?? [],
    chain,
    pskModes: pskModeCodes('pskKeyExchangeModes', options.pskKeyExchangeModes, ['psk_dhe_ke']),
  };
}

/** `options.session` as an object; bytes that are not a session are a caller error. */
export function resolveSession(session: ClientOptions['session']): Session | undefined {
  if (!(session instanceof Uint8Array)) return session;
  try {
    return decodeSession(session);
  } catch (error) {
    throw new OptionsError(
      `options.session: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** 0-RTT settings of a server, checked once. */
export function resolveEarlyData(
  options: ServerOptions,
): Pick<ServerConfig, 'maxEarlyData' | 'antiReplay' | 'earlyDataWindow'> {
  const maxEarlyData = options.maxEarlyData ?? 0;
  if (!Number.isInteger(maxEarlyData) || maxEarlyData < 0 || maxEarlyData > 0xffff_ffff) {
    throw new OptionsError('maxEarlyData must be an integer number of bytes, 0..2^32-1');
  }
  const earlyDataWindow = options.earlyDataWindow ?? 10_000;
  if (!(earlyDataWindow >= 0 && earlyDataWindow <= 60_000)) {
    throw new OptionsError('earlyDataWindow must be 0..60000 ms');
  }
  const antiReplay = options.antiReplay;
  if (maxEarlyData > 0 && antiReplay === undefined) {
    throw new OptionsError(
      'maxEarlyData needs an antiReplay store shared by the server (e.g. new MemoryAntiReplayStore())',
    );
  }
  return { maxEarlyData, antiReplay, earlyDataWindow };
}
