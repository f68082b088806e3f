/**
 * Turns a parsed shim configuration into engine options, the way BoringSSL's shim turns its
 * flags into SSL_CTX settings.
 */
import { readFileSync } from 'node:fs';
import type { CryptoProvider, PrivateKey } from '@tlskit/crypto';
import type {
  AntiReplayStore,
  CertificateEntry,
  CertificateVerifier,
  ClientOptions,
  CommonOptions,
  ServerOptions,
  SessionCache,
  TlsVersion,
} from '@tlskit/handshake';
import { isTlsError, TlsError } from '@tlskit/wire';
import { parsePem } from '@tlskit/x509';
import { withServerCallbacks } from './callbacks.js';
import { certCompressionOptions } from './cert-compression.js';
import { cipherOptions } from './cipher-rules.js';
import { clientCertCallback, serverCertificateRequest } from './client-cert.js';
import { falseStartOptions } from './false-start.js';
import { ticketCallbackOptions } from './ticket-callback.js';
import {
  type Credential,
  flagBool,
  flagInt,
  flagInts,
  flagString,
  type ShimConfig,
} from './flags.js';
import { parseAlpnList } from './alpn-list.js';
import { complianceOptions } from './compliance.js';
import { Unsupported } from './unsupported.js';
import { signatureSchemesOption, withoutMd5Sha1 } from './legacy-algorithms.js';

export { Unsupported } from './unsupported.js';

const versionNames: Readonly<Record<number, TlsVersion>> = { 771: 'TLSv1.2', 772: 'TLSv1.3' };

/** The version range from -min-version/-max-version/-no-tls1x, within what tlskit has. */
export function versionRange(config: ShimConfig): { min: TlsVersion; max: TlsVersion } {
  let min = Math.max(flagInt(config, '-min-version') ?? 0x0303, 0x0303);
  let max = Math.min(flagInt(config, '-max-version') ?? 0x0304, 0x0304);
  if (flagBool(config, '-no-tls13')) max = Math.min(max, 0x0303);
  if (flagBool(config, '-no-tls12')) min = Math.max(min, 0x0304);
  const minName = versionNames[min];
  const maxName = versionNames[max];
  if (minName === undefined || maxName === undefined || min > max) {
    throw new Unsupported(`version range ${min.toString(16)}..${max.toString(16)}`);
  }
  return { min: minName, max: maxName };
}

/** Groups from -curves; each must be one the provider implements. */
function groups(config: ShimConfig, provider: CryptoProvider): number[] | undefined {
  const curves = flagInts(config, '-curves');
  if (curves.length === 0) return undefined;
  for (const group of curves) {
    if (provider.keyExchange(group) === undefined) {
      throw new Unsupported(`group ${group} is not implemented by the provider`);
    }
  }
  return [...curves];
}

/** The outcome of the last chain verification (SSL_get_verify_result), kept across resumptions. */
export interface VerifyRecord {
  failed: boolean;
}

/**
 * BoringSSL's shim replaces X.509 path validation with a callback that accepts any chain, or
 * rejects every chain under -verify-fail; the runner's certificates are not meant to validate.
 * A rejection only ends the handshake when verification is on (-verify-peer, or a server
 * asking for a certificate): with SSL_VERIFY_NONE BoringSSL records the failure and goes on.
 */
function verifier(
  config: ShimConfig,
  enforced: boolean,
  record: VerifyRecord,
  retry?: ShimConfig,
): CertificateVerifier {
  let calls = 0;
  return async () => {
    // With 0-RTT (and -reverify-on-resume) the first call comes before the ClientHello; a
    // later one belongs to the handshake after a rejection, with the -on-retry flags.
    const current = calls++ > 0 && retry !== undefined ? retry : config;
    const fail = flagBool(current, '-verify-fail');
    // BoringSSL's alert for the rejection: certificate_unknown from a custom verify callback,
    // handshake_failure from the legacy one (X509_V_ERR_APPLICATION_VERIFICATION).
    const alert = flagBool(current, '-use-custom-verify-callback') ? 46 : 40;
    record.failed = fail;
    if (fail && enforced) {
      throw new TlsError('ERR_CERT_REJECTED', alert, 'the verify callback rejected the chain');
    }
  };
}

function readPem(path: string): string {
  return readFileSync(path, 'latin1');
}

async function loadCredential(
  provider: CryptoProvider,
  values: ReadonlyMap<string, unknown>,
): Promise<CertificateEntry | undefined> {
  const certFile = values.get('-cert-file');
  const keyFile = values.get('-key-file');
  if (typeof certFile !== 'string' || typeof keyFile !== 'string') return undefined;
  const chain = parsePem(readPem(certFile));
  let key: PrivateKey;
  try {
    key = await provider.importPrivateKey(readPem(keyFile));
  } catch (error) {
    if (isTlsError(error) && error.code === 'ERR_UNSUPPORTED_KEY') {
      throw new Unsupported(`key type of ${keyFile}: ${error.message}`);
    }
    throw error;
  }
  const ocsp = values.get('-ocsp-response');
  const scts = values.get('-signed-cert-timestamps');
  return {
    chain,
    key,
    ...(typeof ocsp === 'string' ? { ocspResponse: base64(ocsp) } : {}),
    ...(typeof scts === 'string' ? { signedCertificateTimestamps: base64(scts) } : {}),
  };
}

/** A `base64` flag's bytes. */
export function base64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Per-key facts: BoringSSL's credential number and the credential's -signing-prefs. */
interface KeyInfo {
  readonly number: number;
  readonly signingPrefs: readonly number[];
}

/**
 * The provider one test signs with. -signing-prefs limits (per credential) the schemes a key
 * signs with, and tlskit takes them from `provider.signatureSchemesFor(key)`; the key that signed
 * tells which credential was selected (-expect-selected-credential: -1 for the default one, else
 * the index of the -new-x509-credential).
 */
export class Signer {
  readonly provider: CryptoProvider;
  readonly #keys = new Map<PrivateKey, KeyInfo>();
  /** The credential number of the last key that signed, -1 when none did. */
  selected = -1;

  constructor(base: CryptoProvider) {
    const keys = this.#keys;
    const narrowed: CryptoProvider = Object.create(base);
    Object.defineProperties(narrowed, {
      signatureSchemesFor: {
        value: (key: PrivateKey): readonly number[] => {
          const fits = base.signatureSchemesFor(key);
          const prefs = keys.get(key)?.signingPrefs ?? [];
          return prefs.length === 0 ? fits : prefs.filter((scheme) => fits.includes(scheme));
        },
      },
      sign: {
        value: (scheme: number, key: PrivateKey, message: Uint8Array): Promise<Uint8Array> => {
          this.selected = keys.get(key)?.number ?? -1;
          return base.sign(scheme, key, message);
        },
      },
    });
    this.provider = narrowed;
  }

  /**
   * Loads each -new-x509-credential, in order, then the default credential: BoringSSL tries
   * them in that order (the default one last).
   */
  async credentials(config: ShimConfig): Promise<CertificateEntry[]> {
    const entries: CertificateEntry[] = [];
    const add = (entry: CertificateEntry, number: number, prefs: unknown): void => {
      const signingPrefs = withoutMd5Sha1(Array.isArray(prefs) ? (prefs as number[]) : []);
      for (const scheme of signingPrefs) {
        if (!this.provider.supportedSignatureSchemes.includes(scheme)) {
          throw new Unsupported(`signature scheme ${scheme} is not implemented by the provider`);
        }
      }
      this.#keys.set(entry.key, { number, signingPrefs });
      entries.push(entry);
    };
    for (const [index, credential] of (config.credentials as Credential[]).entries()) {
      if (credential.type !== 'x509') throw new Unsupported('delegated credentials');
      const entry = await loadCredential(this.provider, credential.values);
      if (entry === undefined) throw new Unsupported('credential without -cert-file/-key-file');
      add(entry, index, credential.values.get('-signing-prefs'));
    }
    const main = await loadCredential(this.provider, config.values);
    if (main !== undefined) add(main, -1, config.values.get('-signing-prefs'));
    return entries;
  }
}

/** Signature schemes from -verify-prefs; each must be one the provider implements. */
function verifyPrefs(config: ShimConfig, provider: CryptoProvider): readonly number[] {
  const prefs = withoutMd5Sha1(flagInts(config, '-verify-prefs'));
  for (const scheme of prefs) {
    if (!provider.supportedSignatureSchemes.includes(scheme)) {
      throw new Unsupported(`signature scheme ${scheme} is not implemented by the provider`);
    }
  }
  return prefs;
}

/**
 * The shim's clock, frozen at start as BoringSSL's shim's is: -resumption-delay advances it
 * between connections, so ticket ages are exactly what the runner expects and lifetimes see the
 * time pass without the test waiting.
 */
const clockStart = Date.now();
export const shimClock = {
  offsetMs: 0,
  now: (): number => clockStart + shimClock.offsetMs,
};

function common(config: ShimConfig, provider: CryptoProvider): CommonOptions {
  const range = versionRange(config);
  const { cipherSuites } = cipherOptions(flagString(config, '-cipher'));
  const maxCertList = flagInt(config, '-max-cert-list') ?? 0;
  const schemes = signatureSchemesOption(config, provider, verifyPrefs(config, provider));
  const groupList = groups(config, provider);
  return {
    provider,
    now: shimClock.now,
    minVersion: range.min,
    maxVersion: range.max,
    ...(groupList === undefined ? {} : { groups: groupList }),
    ...(cipherSuites === undefined ? {} : { cipherSuites }),
    // SSL_set_max_cert_list: the largest handshake message taken from the peer.
    ...(maxCertList > 0 ? { maxHandshakeMessageSize: maxCertList } : {}),
    ...(schemes === undefined ? {} : { signatureSchemes: schemes }),
    ...complianceOptions(config),
    ...certCompressionOptions(config),
  };
}

/**
 * The client's OCSP callback (-use-ocsp-callback): BoringSSL's shim runs it in place of judging
 * the staple, and -fail-ocsp-callback makes it refuse (bad_certificate_status_response,
 * :OCSP_CB_ERROR:). Without the callback BoringSSL does not judge the staple at all: accept it.
 */
export function clientOcsp(config: ShimConfig): Partial<ClientOptions> {
  if (!flagBool(config, '-enable-ocsp-stapling')) return {};
  const fail = flagBool(config, '-use-ocsp-callback') && flagBool(config, '-fail-ocsp-callback');
  return {
    requestOcsp: true,
    verifyOcspStaple: (response) => {
      if (fail) throw new Error('-fail-ocsp-callback');
      return response === undefined ? 'none' : 'good';
    },
  };
}

/**
 * The server's legacy OCSP callback (-use-ocsp-callback): it staples the credential's response
 * (-set-ocsp-in-callback sets the same bytes from inside it), declines as if the client had not
 * asked (-decline-ocsp-callback), or fails the handshake (-fail-ocsp-callback).
 */
export function serverOcsp(
  config: ShimConfig,
  certificates: readonly CertificateEntry[],
): Partial<ServerOptions> {
  if (!flagBool(config, '-use-ocsp-callback')) return {};
  const fail = flagBool(config, '-fail-ocsp-callback');
  const decline = flagBool(config, '-decline-ocsp-callback');
  return {
    ocspStapling: ({ chain }) => {
      if (fail) throw new TlsError('ERR_OCSP_CALLBACK', 80, '-fail-ocsp-callback');
      if (decline) return undefined;
      return certificates.find((entry) => entry.chain === chain)?.ocspResponse;
    },
  };
}

/** Client options for one connection. */
export async function clientOptions(
  config: ShimConfig,
  signer: Signer,
  verify: VerifyRecord,
  retry?: ShimConfig,
): Promise<ClientOptions> {
  // The client always offers session_ticket in TLS 1.2; it has no option to leave it out.
  if (flagBool(config, '-no-ticket')) throw new Unsupported('-no-ticket on a client');
  const certificates = await signer.credentials(config);
  const alpn = flagString(config, '-advertise-alpn');
  const host = flagString(config, '-host-name');
  return {
    ...common(config, signer.provider),
    verifyCertificate: verifier(
      config,
      flagBool(config, '-verify-peer'),
      verify,
      flagBool(config, '-enable-early-data') ? retry : undefined,
    ),
    ...(flagBool(config, '-reverify-on-resume') ? { reverifyOnResume: true } : {}),
    ...(certificates.length === 0 ? {} : { certificate: certificates }),
    ...clientCertCallback(config, certificates),
    ...falseStartOptions(config),
    ...(alpn === undefined ? {} : { alpnProtocols: parseAlpnList(alpn) }),
    ...(host === undefined ? {} : { serverName: host }),
    ...(flagBool(config, '-enable-grease') ? { grease: true } : {}),
    ...clientOcsp(config),
    ...(flagBool(config, '-enable-signed-cert-timestamps')
      ? { requestSignedCertificateTimestamps: true }
      : {}),
    // A rejected early write is not resent by tlskit: the retry configuration decides what to
    // write, as after BoringSSL's SSL_reset_early_data_reject.
    ...(flagBool(config, '-enable-early-data')
      ? { earlyData: true, resendRejectedEarlyData: false }
      : {}),
  };
}

/** What a server keeps across the connections of one test, for resumption. */
export interface ServerState {
  readonly ticketKeys: { name: Uint8Array; key: Uint8Array }[];
  readonly sessionCache: SessionCache;
  /** 0-RTT's single-use ticket store, shared like the ticket keys. */
  readonly antiReplay: AntiReplayStore;
}

/**
 * BoringSSL's 0-RTT settings: a server accepts (and its tickets allow) kMaxEarlyDataAccepted
 * bytes, and tolerates a ticket age skew of 60 seconds.
 */
const maxEarlyDataAccepted = 14336;
const ticketAgeSkewMs = 60_000;

/** Server options for one connection. */
export async function serverOptions(
  config: ShimConfig,
  signer: Signer,
  verify: VerifyRecord,
  state: ServerState,
): Promise<ServerOptions> {
  const certificates = await signer.credentials(config);
  if (certificates.length === 0) throw new Unsupported('server without a credential');
  // -decline-alpn: the ALPN callback declines, so the server negotiates none.
  const select = flagBool(config, '-decline-alpn') ? undefined : flagString(config, '-select-alpn');
  const requireAny = flagBool(config, '-require-any-client-certificate');
  const verifyPeer = flagBool(config, '-verify-peer');
  const clientAuth = verifyPeer ? 'request' : requireAny ? 'require' : 'none';
  const { preference } = cipherOptions(flagString(config, '-cipher'));
  return withServerCallbacks(
    config,
    {
      ...common(config, signer.provider),
      certificates,
      clientAuth,
      verifyCertificate: verifier(config, clientAuth !== 'none', verify),
      ...(flagBool(config, '-no-ticket') ? {} : { ticketKeys: state.ticketKeys }),
      ...ticketCallbackOptions(config, signer.provider),
      sessionCache: state.sessionCache,
      // An empty -select-alpn selects nothing, as in BoringSSL's shim.
      ...(select === undefined || select === '' ? {} : { alpnProtocols: [select] }),
      ...serverOcsp(config, certificates),
      ...serverCertificateRequest(config),
      // BoringSSL's TLS 1.3 servers always GREASE their tickets (RFC 8701 3.2), -enable-grease or not.
      grease: true,
      ...(flagBool(config, '-enable-early-data')
        ? {
            maxEarlyData: maxEarlyDataAccepted,
            antiReplay: state.antiReplay,
            earlyDataWindow: ticketAgeSkewMs,
          }
        : {}),
    },
    preference,
  );
}
