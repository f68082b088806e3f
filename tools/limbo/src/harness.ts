import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { nobleProvider } from '@tlskit/crypto';
import { nodeProvider } from '@tlskit/crypto/node';
import { getPublicSuffix } from 'tldts';
import {
  type Certificate,
  type KeyUsage,
  parseCertificate,
  parsePem,
  TrustStore,
  type VerifyChainOptions,
  verifyChain,
} from '@tlskit/x509';

/** One x509-limbo testcase (the fields this harness reads; see schema.json in the bundle). */
export interface Testcase {
  readonly id: string;
  readonly features: readonly string[];
  readonly validation_kind: 'CLIENT' | 'SERVER';
  readonly trusted_certs: readonly string[];
  readonly untrusted_intermediates: readonly string[];
  readonly peer_certificate: string;
  readonly validation_time: string | null;
  readonly key_usage: readonly string[];
  readonly extended_key_usage: readonly string[];
  readonly expected_result: 'SUCCESS' | 'FAILURE';
  readonly expected_peer_name: { kind: 'DNS' | 'IP' | 'RFC822'; value: string } | null;
  readonly max_chain_depth: number | null;
  readonly crls: readonly string[];
}

/** One line of limbo's results format. */
export interface Result {
  readonly id: string;
  readonly actual_result: 'SUCCESS' | 'FAILURE' | 'SKIPPED';
  readonly context: string | null;
}

/**
 * The provider signatures go through: `nobleProvider` (the default provider, pure JS + WebCrypto
 * for RSA) unless LIMBO_PROVIDER=node selects `nodeProvider` (OpenSSL through node:crypto).
 */
export const provider = process.env.LIMBO_PROVIDER === 'node' ? nodeProvider : nobleProvider;

/** Where the bundle lives, relative to the repository root. */
export const defaultBundle = new URL('../../../vectors/x509-limbo/limbo.json.gz', import.meta.url);

/** Reads limbo.json.gz. */
export function loadTestcases(path: URL | string = defaultBundle): Testcase[] {
  const limbo = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as {
    testcases: Testcase[];
  };
  return limbo.testcases;
}

const ekuNames: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

function parseAll(pems: readonly string[]): Certificate[] {
  const out: Certificate[] = [];
  for (const pem of pems) {
    for (const der of parsePem(pem)) {
      try {
        out.push(parseCertificate(der));
      } catch {
        // A certificate that does not parse cannot be part of any path.
      }
    }
  }
  return out;
}

/**
 * The validator options a testcase asks for. Cases under `rfc5280::` and `pathlen::` test
 * RFC 5280 alone and run with the `rfc5280` profile (pathlen::validation-ignores-pathlen-in-leaf
 * puts a CA certificate in leaf position, which the Web PKI forbids); every other family tests
 * the Web PKI and runs with `webpki` (limbo marks the cases where the two disagree as conflicting).
 */
export function optionsFor(testcase: Testcase, leaf: Certificate): VerifyChainOptions {
  const eku = testcase.extended_key_usage[0];
  const purpose =
    eku !== undefined
      ? (ekuNames[eku] ?? eku)
      : testcase.validation_kind === 'SERVER'
        ? 'serverAuth'
        : 'clientAuth';
  const crls = testcase.crls.flatMap((pem) => parsePem(pem, 'X509 CRL'));
  const options: { -readonly [K in keyof VerifyChainOptions]: VerifyChainOptions[K] } = {
    leaf,
    intermediates: parseAll(testcase.untrusted_intermediates),
    trustStore: new TrustStore(parseAll(testcase.trusted_certs)),
    provider,
    time: testcase.validation_time === null ? Date.now() : Date.parse(testcase.validation_time),
    purpose,
    profile: /^(rfc5280|pathlen)::/.test(testcase.id) ? 'rfc5280' : 'webpki',
    keyUsage: testcase.key_usage as KeyUsage[],
    crls,
    // BR 3.2.2.6: no wildcard directly below a public suffix (ICANN or private section).
    isPublicSuffix: (domain) => getPublicSuffix(domain, { allowPrivateDomains: true }) === domain,
  };
  // webpki::cn:: holds leaves to BR 7.1.4.3; BetterTLS expects a stray CN to be ignored.
  if (testcase.id.startsWith('webpki::')) options.checkCommonName = true;
  if (testcase.max_chain_depth !== null) options.maxIntermediates = testcase.max_chain_depth;
  const peer = testcase.validation_kind === 'SERVER' ? testcase.expected_peer_name : null;
  if (peer?.kind === 'DNS') options.hostname = peer.value;
  if (peer?.kind === 'IP') options.ip = peer.value;
  if (peer?.kind === 'RFC822') options.email = peer.value;
  return options;
}

/** Runs one testcase; never throws. */
export async function runTestcase(testcase: Testcase): Promise<Result & { readonly ms: number }> {
  const start = performance.now();
  let result: Result;
  try {
    const [leafDer] = parsePem(testcase.peer_certificate);
    if (leafDer === undefined) throw new Error('no peer certificate');
    const leaf = parseCertificate(leafDer);
    await verifyChain(optionsFor(testcase, leaf));
    result = { id: testcase.id, actual_result: 'SUCCESS', context: null };
  } catch (error) {
    const context =
      error instanceof Error
        ? `${(error as { code?: string }).code ?? error.name}: ${error.message}`
        : String(error);
    result = { id: testcase.id, actual_result: 'FAILURE', context };
  }
  return { ...result, ms: performance.now() - start };
}

/** Agreement per id prefix (the part before the first `::`). */
export interface Tally {
  readonly family: string;
  total: number;
  agree: number;
}

/** Counts agreement with expected_result per family, plus an `all` row last. */
export function tally(testcases: readonly Testcase[], results: readonly Result[]): Tally[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const families = new Map<string, Tally>();
  const all: Tally = { family: 'all', total: 0, agree: 0 };
  for (const testcase of testcases) {
    const family = testcase.id.split('::')[0]!;
    let row = families.get(family);
    if (!row) {
      row = { family, total: 0, agree: 0 };
      families.set(family, row);
    }
    const agree = byId.get(testcase.id)?.actual_result === testcase.expected_result;
    row.total++;
    all.total++;
    if (agree) {
      row.agree++;
      all.agree++;
    }
  }
  return [...[...families.values()].sort((a, b) => a.family.localeCompare(b.family)), all];
}
