import { randomBytes } from 'node:crypto';
import { implementations, nextEvent, secureConnected } from './peers.js';
const which = process.argv[2] ?? 'tlskit (node)';
const aead = (process.argv[3] ?? 'AES-128-GCM') as never;
const mib = Number(process.argv[4] ?? 256);
const list = (await implementations(['node'])).filter((i) => i.name === which);
const impl = list[0]!;
const profile = { version: 'TLSv1.3', cert: 'ECDSA P-256', aead } as never;
let received = 0;
let done: (() => void) | undefined;
let target = 0;
const server = await impl.listen(profile, (s) =>
  s.on('data', (c: Uint8Array) => {
    received += c.length;
    if (done && received >= target) {
      done();
      done = undefined;
    }
  }),
);
const client = impl.connect(server.port, profile);
await secureConnected(client);
const chunk = randomBytes(1 << 20);
const t0 = process.cpuUsage();
const w0 = performance.now();
target = mib * 2 ** 20;
const fin = new Promise<void>((r) => {
  done = r;
});
for (let n = 0; n < mib; n++) if (!client.write(chunk)) await nextEvent(client, 'drain', 60000);
await fin;
const cpu = process.cpuUsage(t0);
const s = (cpu.user + cpu.system) / 1e6;
console.log(
  `${which} ${aead}: ${((mib * 2 ** 20) / s / 1e6).toFixed(1)} MB/s CPU (${s.toFixed(2)} s cpu, ${((performance.now() - w0) / 1000).toFixed(2)} s wall)`,
);
client.destroy();
await server.close();
