/**
 * The probes of a scan, each a few hand-built ClientHellos (see hello.ts) and what the server's
 * first flight says about them. Probes run in parallel up to a bound; the ones that depend on an
 * earlier answer (suite enumeration removes the suite just chosen) run in sequence.
 */
import {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  equalBytes,
  ExtensionType,
  HandshakeType,
  ianaCipherSuites,
  ianaNamedGroups,
  type ServerHello,
} from '@tlskit/wire';
import { exchange, type Flight, selectedVersion, type Target } from './flight.js';
import { clientHello, type HelloSpec } from './hello.js';
import { legacySuites, suiteInfo, tls13Suites } from './suites.js';

/** The protocol versions a scan tries, oldest first. */
export const protocolVersions = [
  { value: 0x0300, name: 'SSLv3' },
  { value: 0x0301, name: 'TLSv1.0' },
  { value: 0x0302, name: 'TLSv1.1' },
  { value: 0x0303, name: 'TLSv1.2' },
  { value: 0x0304, name: 'TLSv1.3' },
] as const;

const TLS12 = 0x0303;
const TLS13 = 0x0304;

/** The name of a protocol version, e.g. `TLSv1.2`. */
export function versionName(value: number): string {
  return protocolVersions.find((v) => v.value === value)?.name ?? `0x${value.toString(16)}`;
}

/** Runs at most `size` tasks at once. */
export function limiter(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= size) await new Promise<void>((resume) => waiting.push(resume));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/** What every probe shares: where to send, the SNI, the parallelism bound and a progress hook. */
export interface ProbeContext {
  readonly target: Target;
  readonly serverName: string | undefined;
  readonly run: <T>(task: () => Promise<T>) => Promise<T>;
  /** Called after each exchange (for the progress display). */
  readonly onExchange: (flight: Flight) => void;
}

/** One exchange within the parallelism bound, with the context's SNI unless the spec says otherwise. */
export async function probe(context: ProbeContext, spec: HelloSpec): Promise<Flight> {
  const hello = clientHello(
    'serverName' in spec ? spec : { ...spec, serverName: context.serverName },
  );
  const flight = await context.run(() => exchange(context.target, hello));
  context.onExchange(flight);
  return flight;
}

/** A version probe's answer. */
export interface VersionResult {
  readonly version: number;
  readonly accepted: boolean;
  readonly flight: Flight;
}

/** Offers `version` alone, with every suite that version could use. */
export async function probeVersion(context: ProbeContext, version: number): Promise<VersionResult> {
  const spec = versionHello(version);
  const flight = await probe(context, spec);
  const accepted =
    flight.serverHello !== undefined && selectedVersion(flight.serverHello) === version;
  return { version, accepted, flight };
}

/** The ClientHello that offers `version` alone. */
function versionHello(version: number): HelloSpec {
  if (version === TLS13) {
    return { version: TLS12, supportedVersions: [TLS13], cipherSuites: tls13Suites };
  }
  if (version === 0x0300) {
    // SSL 3.0 has no extensions: RFC 5746 section 3.3 signals renegotiation with the SCSV.
    return {
      version,
      cipherSuites: [...legacySuites, ianaCipherSuites.TLS_EMPTY_RENEGOTIATION_INFO_SCSV],
      noExtensions: true,
    };
  }
  return { version, cipherSuites: legacySuites };
}

/**
 * Every pre-1.3 suite the server accepts at `version`, in the order it chose them: offer all,
 * remove the one chosen, repeat until the server refuses. Each round depends on the last.
 */
export async function enumerateSuites(context: ProbeContext, version: number): Promise<number[]> {
  const remaining = [...legacySuites];
  const accepted: number[] = [];
  // At most one round per suite offered.
  for (let round = 0; round < legacySuites.length && remaining.length > 0; round++) {
    const flight = await probe(context, { version, cipherSuites: remaining });
    const chosen = flight.serverHello?.cipherSuite;
    if (chosen === undefined || selectedVersion(flight.serverHello as ServerHello) !== version)
      break;
    const index = remaining.indexOf(chosen);
    if (index < 0) break; // A suite we did not offer: stop rather than loop.
    remaining.splice(index, 1);
    accepted.push(chosen);
  }
  return accepted;
}

/**
 * Whether the server imposes its own order: offered the same suites forwards and backwards, a
 * server that picks the same suite both times follows its own preference. Null when fewer than
 * two suites are accepted (nothing to order).
 */
export async function probeServerOrder(
  context: ProbeContext,
  version: number,
  suites: readonly number[],
): Promise<boolean | null> {
  if (suites.length < 2) return null;
  const [forward, backward] = await Promise.all([
    probe(context, { version, cipherSuites: suites }),
    probe(context, { version, cipherSuites: [...suites].reverse() }),
  ]);
  const a = forward.serverHello?.cipherSuite;
  const b = backward.serverHello?.cipherSuite;
  if (a === undefined || b === undefined) return null;
  return a === b;
}

/** The TLS 1.3 suites accepted, each offered alone (the HelloRetryRequest names the suite). */
export async function probeTls13Suites(context: ProbeContext): Promise<number[]> {
  const answers = await Promise.all(
    tls13Suites.map(async (suite) => {
      const flight = await probe(context, {
        version: TLS12,
        supportedVersions: [TLS13],
        cipherSuites: [suite],
      });
      const sh = flight.serverHello;
      return sh !== undefined && selectedVersion(sh) === TLS13 && sh.cipherSuite === suite;
    }),
  );
  return tls13Suites.filter((_, i) => answers[i]);
}

/** Groups probed in TLS 1.3 (an empty key_share makes the server name its choice in a HelloRetryRequest). */
export const tls13Groups: readonly number[] = [
  ianaNamedGroups.x25519,
  ianaNamedGroups.x448,
  ianaNamedGroups.secp256r1,
  ianaNamedGroups.secp384r1,
  ianaNamedGroups.secp521r1,
  ianaNamedGroups.X25519MLKEM768,
  ianaNamedGroups.SecP256r1MLKEM768,
  ianaNamedGroups.SecP384r1MLKEM1024,
  ianaNamedGroups.ffdhe2048,
  ianaNamedGroups.ffdhe3072,
  ianaNamedGroups.ffdhe4096,
  ianaNamedGroups.ffdhe6144,
  ianaNamedGroups.ffdhe8192,
  ianaNamedGroups.brainpoolP256r1tls13,
  ianaNamedGroups.brainpoolP384r1tls13,
  ianaNamedGroups.brainpoolP512r1tls13,
];

/** Curves probed in TLS 1.2 (the ServerKeyExchange names the curve). */
export const tls12Curves: readonly number[] = [
  ianaNamedGroups.x25519,
  ianaNamedGroups.x448,
  ianaNamedGroups.secp256r1,
  ianaNamedGroups.secp384r1,
  ianaNamedGroups.secp521r1,
  ianaNamedGroups.brainpoolP256r1,
  ianaNamedGroups.brainpoolP384r1,
  ianaNamedGroups.brainpoolP512r1,
  ianaNamedGroups.secp256k1,
  ianaNamedGroups.secp224r1,
  ianaNamedGroups.secp192r1,
];

/** The TLS 1.3 groups accepted, each offered alone. */
export async function probeTls13Groups(context: ProbeContext): Promise<number[]> {
  const answers = await Promise.all(
    tls13Groups.map(async (group) => {
      const flight = await probe(context, {
        version: TLS12,
        supportedVersions: [TLS13],
        cipherSuites: tls13Suites,
        groups: [group],
      });
      return helloRetryGroup(flight.serverHello) === group;
    }),
  );
  return tls13Groups.filter((_, i) => answers[i]);
}

function helloRetryGroup(sh: ServerHello | undefined): number | undefined {
  if (sh === undefined || !sh.isHelloRetryRequest) return undefined;
  for (const ext of sh.extensions) {
    if (ext.type === ExtensionType.keyShare && 'selectedGroup' in ext) return ext.selectedGroup;
  }
  return undefined;
}

/** The ECDHE curves accepted in TLS 1.2 and below, offered alone with the accepted ECDHE suites. */
export async function probeTls12Curves(
  context: ProbeContext,
  version: number,
  suites: readonly number[],
): Promise<number[]> {
  const ecdhe = suites.filter((s) => suiteInfo(s).keyExchange.startsWith('ECDHE'));
  if (ecdhe.length === 0) return [];
  const answers = await Promise.all(
    tls12Curves.map(async (group) => {
      const flight = await probe(context, { version, cipherSuites: ecdhe, groups: [group] });
      return serverKeyExchange(flight)?.curve === group;
    }),
  );
  return tls12Curves.filter((_, i) => answers[i]);
}

/** The size of the DHE prime (bits) the server uses, or null when it accepts no DHE suite. */
export async function probeDhePrime(
  context: ProbeContext,
  version: number,
  suites: readonly number[],
): Promise<number | null> {
  const dhe = suites.filter((s) => /^DHE/.test(suiteInfo(s).keyExchange));
  if (dhe.length === 0) return null;
  const flight = await probe(context, { version, cipherSuites: dhe });
  return serverKeyExchange(flight)?.primeBits ?? null;
}

/**
 * The parameters of a TLS 1.2 ServerKeyExchange: the named curve (RFC 8422 5.4) or the size of
 * the DH prime (RFC 5246 7.4.3, ServerDHParams dh_p first). Read by hand: @tlskit/wire decodes
 * only the ECDHE form tlskit speaks.
 */
export function serverKeyExchange(
  flight: Flight,
): { curve?: number; primeBits?: number } | undefined {
  const suite = flight.serverHello?.cipherSuite;
  const message = flight.messages.find((m) => m.type === HandshakeType.serverKeyExchange);
  if (suite === undefined || message === undefined) return undefined;
  const body = message.bytes.subarray(4);
  const kx = suiteInfo(suite).keyExchange;
  if (kx.startsWith('ECDHE') || kx === 'ECDH_anon') {
    // curve_type named_curve (3), then the uint16 NamedCurve.
    if (body[0] !== 3 || body.length < 3) return undefined;
    return { curve: ((body[1] ?? 0) << 8) | (body[2] ?? 0) };
  }
  if (kx.startsWith('DHE') || kx === 'DH_anon') {
    const length = ((body[0] ?? 0) << 8) | (body[1] ?? 0);
    const prime = body.subarray(2, 2 + length);
    let start = 0;
    while (start < prime.length && prime[start] === 0) start++;
    if (start === prime.length) return undefined;
    return { primeBits: (prime.length - start) * 8 - Math.clz32(prime[start] ?? 0) + 24 };
  }
  return undefined;
}

/**
 * RFC 7507: a client retrying at `version` (below the server's best) with TLS_FALLBACK_SCSV must
 * get inappropriate_fallback. Returns whether the server refused it that way.
 */
export async function probeFallbackScsv(context: ProbeContext, version: number): Promise<boolean> {
  const flight = await probe(context, {
    version,
    cipherSuites: [...legacySuites, ianaCipherSuites.TLS_FALLBACK_SCSV],
  });
  return flight.serverHello === undefined && flight.alert?.description === 86;
}

/**
 * RFC 8446 4.1.3: a TLS 1.3 server that negotiates TLS 1.2 ends its random with DOWNGRD\x01,
 * TLS 1.1 or below with DOWNGRD\x00.
 */
export function hasDowngradeSentinel(sh: ServerHello): boolean {
  const tail = sh.random.subarray(24);
  return equalBytes(tail, selectedVersion(sh) === TLS12 ? DOWNGRADE_TLS12 : DOWNGRADE_TLS11);
}

/** What the TLS 1.2 (or older) ServerHello says about the legacy defences. */
export interface LegacyFeatures {
  readonly secureRenegotiation: boolean;
  readonly extendedMasterSecret: boolean;
  readonly compression: boolean;
  /** The answer itself: the plaintext Certificate, CertificateStatus and SCT extension. */
  readonly flight: Flight;
}

/**
 * One pre-1.3 handshake that asks for everything a server may volunteer: secure renegotiation,
 * extended master secret, DEFLATE compression (RFC 3749), an OCSP staple and SCTs.
 */
export async function probeLegacyFeatures(
  context: ProbeContext,
  version: number,
  suites: readonly number[],
): Promise<LegacyFeatures | undefined> {
  const flight = await probe(context, {
    version,
    cipherSuites: suites.length > 0 ? suites : legacySuites,
    compressionMethods: [1, 0],
    askForStatus: true,
  });
  const sh = flight.serverHello;
  if (sh === undefined) return undefined;
  const has = (type: number): boolean => sh.extensions.some((e) => e.type === type);
  return {
    secureRenegotiation: has(ExtensionType.renegotiationInfo),
    extendedMasterSecret: has(ExtensionType.extendedMasterSecret),
    compression: (flight.compressionMethod ?? 0) !== 0,
    flight,
  };
}
