/**
 * Where every microsecond of a server goes, from Linux `perf` samples (issue 14). `--cpu-prof`
 * sees JavaScript only and samples wall time; `perf record -e task-clock -g` samples on-CPU time
 * of every thread, native code included (OpenSSL, libuv, the kernel, V8's GC and compiler
 * threads), and `node --perf-basic-prof` names the JIT's frames. Each sample is charged to one
 * category: native leaves by what they are (OpenSSL, malloc, GC, kernel), everything else to the
 * nearest JavaScript frame's owner (a tlskit package, node:crypto, Node's net and streams). Times
 * the share by the CPU per handshake (or per MiB) measured over the same window, the result is
 * microseconds per unit of work, comparable between tlskit and node:tls.
 *
 * Script: `perf script -i perf.data > samples.txt`, then
 * `node --import tsx tools/bench/src/perf-account.ts samples.txt US_PER_UNIT`.
 * docs/performance.md ("Issue 14, session 6") has the whole recipe with perf-server.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One sample of `perf script`: its thread and its frames, leaf first. */
interface Sample {
  readonly frames: readonly string[];
}

/** Samples of `perf script` output: a header line, then one indented line per frame. */
export function parsePerfScript(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    if (lines.length < 2) continue;
    // "    7ff650128e51 JS:*handle file:///.../server.js:723:17+0x186c (/tmp/perf-1.map)"
    const frames = lines.slice(1).map((line) => line.trim().replace(/^[0-9a-f]+\s+/, ''));
    samples.push({ frames });
  }
  return samples;
}

const OPENSSL =
  /^(x25519|x448|fe_|fe51|ge_|ecp_|__ecp|ecdsa|ECDSA|EC_|ec_|BN_|bn_|sha\d|SHA|EVP_|evp_|OPENSSL_|ossl_|OSSL_|aes|_aes|gcm|CRYPTO_|HMAC|ERR_|RAND|rand_|drbg|ASN1|asn1|cmov|ChaCha|Poly|poly|OBJ_|d2i|i2d|PKCS|BIO|OPENSSL_LH|ctr_|sk_|ecx|__mem(move|cpy|set|cmp)|__strcmp|strcmp|memcmp|do_name|inner_evp)/;
const MALLOC = /^(malloc|_int_malloc|_int_free|cfree|free|unlink_chunk|malloc_consolidate|tcache)/;
const GC =
  /Scavenge|MarkCompact|Heap::|GCTracer|Sweeper|ArrayBufferSweeper|ConcurrentMarking|IncrementalMarking|Evacuat/;

/** The symbol of a frame line, without its offset and module. */
function symbol(frame: string): string {
  return frame.replace(/ \([^)]*\)$/, '').replace(/\+0x[0-9a-f]+$/, '');
}

/** The category one sample is charged to. */
export function categorize(frames: readonly string[]): string {
  const leaf = frames[0] ?? '';
  const leafSymbol = symbol(leaf);
  const stack = frames.join('\n');
  if (/\[kernel/.test(leaf)) return 'kernel (TCP, epoll, scheduling, page faults)';
  if (/PlatformWorkerThread|DefaultJobWorker/.test(stack)) {
    return /Compil/.test(stack) ? 'V8 compiler threads' : 'V8 GC and sweeper threads';
  }
  if (GC.test(leafSymbol)) return 'V8 GC on the main thread';
  if (MALLOC.test(leafSymbol)) return 'malloc/free';
  if (OPENSSL.test(leafSymbol)) return 'OpenSSL (cryptography, lookups, memcpy)';
  for (const frame of frames) {
    const js = /JS:\S?\S+ (\S+)/.exec(frame);
    if (!js) continue;
    const location = js[1] ?? '';
    const tlskit = /\/packages\/([^/]+)\//.exec(location);
    if (tlskit) return `tlskit ${tlskit[1]}`;
    if (/crypto/.test(location)) return 'node:crypto (JavaScript and binding)';
    if (/^node:/.test(location)) return "Node's net, streams, events (JavaScript)";
    return 'other JavaScript';
  }
  if (/uv_|uv__|LibuvStreamWrap|StreamBase|TCPWrap|ConnectionWrap/.test(stack)) {
    return 'libuv and Node C++ streams';
  }
  return 'other native code';
}

export interface AccountRow {
  readonly category: string;
  readonly share: number;
  readonly microseconds: number;
}

/** Shares of the samples per category, times `perUnit` microseconds; largest first. */
export function account(samples: readonly Sample[], perUnit: number): AccountRow[] {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const c = categorize(s.frames);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const total = samples.length;
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([category, n]) => ({ category, share: n / total, microseconds: (perUnit * n) / total }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, perUnit] = process.argv.slice(2);
  if (file === undefined || perUnit === undefined || !(Number(perUnit) > 0)) {
    console.error('usage: perf-account.ts PERF_SCRIPT_OUTPUT MICROSECONDS_PER_UNIT');
    process.exit(2);
  }
  const samples = parsePerfScript(readFileSync(file, 'utf8'));
  console.log(`${samples.length} samples, ${perUnit} us per unit`);
  for (const row of account(samples, Number(perUnit))) {
    const share = `${(row.share * 100).toFixed(1)}%`.padStart(6);
    console.log(`${share} ${row.microseconds.toFixed(0).padStart(6)} us  ${row.category}`);
  }
}
