/**
 * One connection's bulk transfer to sample with `perf` (issue 14): client and server of one
 * implementation in this process, `MIB` chunks of 1 MiB from client to server, TLS 1.3 with the
 * given AEAD. Prints the CPU time per MiB (sender and receiver together, all threads), the unit
 * perf-account.ts takes.
 *
 * `node --perf-basic-prof --import tsx tools/bench/src/perf-bulk.ts tlskit|node MIB [AES-128-GCM|CHACHA20-POLY1305]`
 */
import { fileURLToPath } from 'node:url';
import { chunkSize, openPipe } from './bulk.js';
import { type AeadChoice, nextEvent } from './peers.js';
import { serverFor } from './perf-server.js';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [name = 'tlskit', mib = '1024', aead = 'AES-128-GCM'] = process.argv.slice(2);
  const chunks = Number(mib);
  const profile = { version: 'TLSv1.3', cert: 'ECDSA P-256', aead: aead as AeadChoice } as const;
  const pipe = await openPipe(serverFor(name), profile);
  const chunk = Buffer.alloc(chunkSize, 7);
  const cpu = process.cpuUsage();
  for (let i = 0; i < chunks; i++) {
    if (!pipe.client.write(chunk)) await nextEvent(pipe.client, 'drain', 120_000);
  }
  await pipe.until(chunks * chunkSize);
  const used = process.cpuUsage(cpu);
  console.log(`${name} ${aead}: cpu_us_per_mib ${((used.user + used.system) / chunks).toFixed(0)}`);
  await pipe.close();
}
