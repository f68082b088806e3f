/**
 * Benchmark: validating a typical three-certificate server chain (root -> intermediate ->
 * leaf, host name checked) with @tlskit/x509 and the default noble provider, for ECDSA P-256
 * and RSA-2048 chains made by openssl. Each validation parses the leaf and intermediate DER
 * (as a handshake would), builds the path and verifies two signatures.
 *
 * Run: `node --conditions=tlskit-source --import tsx tools/limbo/src/bench.ts [seconds]`.
 * Time is this process's CPU time, so other load on the machine barely changes the figure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleProvider } from '@tlskit/crypto';
import { nodeProvider } from '@tlskit/crypto/node';
import { parseCertificate, parsePem, TrustStore, verifyChain } from '@tlskit/x509';

/** One benchmark result. */
export interface X509BenchResult {
  readonly name: string;
  /** Chain validations per CPU second. */
  readonly perSecond: number;
  readonly iterations: number;
}

function run(args: readonly string[]): void {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
}

/** Makes root, intermediate and leaf with openssl; returns their DER. */
function makeChain(
  dir: string,
  keyOptions: readonly string[],
): { root: Uint8Array; ica: Uint8Array; leaf: Uint8Array } {
  const ca =
    'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n';
  const ext = {
    root: ca,
    ica: `${ca}authorityKeyIdentifier=keyid:always\n`,
    leaf: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid:always\nsubjectAltName=DNS:example.com,DNS:www.example.com\n',
  };
  const issuers = { root: null, ica: 'root', leaf: 'ica' } as const;
  for (const name of ['root', 'ica', 'leaf'] as const) {
    const key = join(dir, `${name}.key`);
    run(['genpkey', ...keyOptions, '-out', key]);
    writeFileSync(join(dir, `${name}.ext`), `[v3]\n${ext[name]}`);
    run([
      'req',
      '-new',
      '-key',
      key,
      '-subj',
      `/CN=${name === 'leaf' ? 'example.com' : `Bench ${name}`}`,
      '-out',
      join(dir, `${name}.csr`),
    ]);
    const issuer = issuers[name];
    const signer =
      issuer === null
        ? ['-key', key]
        : ['-CA', join(dir, `${issuer}.pem`), '-CAkey', join(dir, `${issuer}.key`)];
    run([
      'x509',
      '-req',
      '-in',
      join(dir, `${name}.csr`),
      ...signer,
      '-sha256',
      '-days',
      '30',
      '-set_serial',
      '7',
      '-extfile',
      join(dir, `${name}.ext`),
      '-extensions',
      'v3',
      '-out',
      join(dir, `${name}.pem`),
    ]);
  }
  const der = (name: string) => parsePem(readFileSync(join(dir, `${name}.pem`), 'utf8'))[0]!;
  return { root: der('root'), ica: der('ica'), leaf: der('leaf') };
}

/** Calls `body` for about `seconds` of this process's CPU time; returns calls per CPU second. */
async function rate(
  body: () => Promise<unknown>,
  seconds: number,
): Promise<{ perSecond: number; iterations: number }> {
  for (let i = 0; i < 20; i++) await body(); // warm-up for the JIT
  let iterations = 0;
  let used = 0;
  const start = process.cpuUsage();
  // Bounded: stops at `seconds` of CPU time or 1e6 iterations.
  while (used < seconds && iterations < 1_000_000) {
    for (let i = 0; i < 10; i++) await body();
    iterations += 10;
    const delta = process.cpuUsage(start);
    used = (delta.user + delta.system) / 1e6;
  }
  return { perSecond: iterations / used, iterations };
}

/** Runs both variants for about `seconds` CPU seconds each. */
export async function runX509Bench(seconds = 2): Promise<X509BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'x509-bench-'));
  try {
    const variants = [
      {
        name: 'ECDSA P-256 chain',
        key: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
      },
      { name: 'RSA-2048 chain', key: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] },
    ];
    const results: X509BenchResult[] = [];
    for (const variant of variants) {
      const chain = makeChain(join(dir, ''), variant.key);
      const trustStore = new TrustStore([chain.root]);
      for (const [providerName, provider] of [
        ['nobleProvider', nobleProvider],
        ['nodeProvider', nodeProvider],
      ] as const) {
        const once = () =>
          verifyChain({
            leaf: chain.leaf,
            intermediates: [chain.ica],
            trustStore,
            provider,
            hostname: 'example.com',
          });
        results.push({ name: `${variant.name}, ${providerName}`, ...(await rate(once, seconds)) });
      }
      const parseOnly = async () => {
        parseCertificate(chain.leaf);
        parseCertificate(chain.ica);
      };
      results.push({
        name: `${variant.name}, parsing leaf + intermediate only`,
        ...(await rate(parseOnly, seconds)),
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv[2] ?? 2);
  for (const result of await runX509Bench(seconds)) {
    console.log(
      `${result.name}: ${result.perSecond.toFixed(0)} per CPU second (${result.iterations} runs)`,
    );
  }
}
