import { describe, expect, it } from 'vitest';
import { account, categorize, parsePerfScript } from '../src/perf-account.js';

// Two samples in the shape `perf script` prints them (addresses, symbols, modules).
const script = `node 100 1.000: 500250 task-clock:
\t    7ff650128e51 JS:*issueTickets file:///w/packages/handshake/dist/tls13/server.js:766:28+0x1411 (/tmp/perf-100.map)
\t    7ff6501893ec JS:*handle file:///w/packages/handshake/dist/tls13/server.js:723:17+0x186c (/tmp/perf-100.map)

node 100 1.001: 500250 task-clock:
\t    55d0c0a1 x25519_fe64_sqr+0x12 (/usr/bin/node)
\t    55d0c0b2 JS:*respond file:///w/packages/crypto/dist/groups.js:160:22+0xb30 (/tmp/perf-100.map)
`;

describe('perf accounting', () => {
  it('parses samples with their frames, leaf first', () => {
    const samples = parsePerfScript(script);
    expect(samples).toHaveLength(2);
    expect(samples[1]?.frames[0]).toBe('x25519_fe64_sqr+0x12 (/usr/bin/node)');
  });

  it('charges JavaScript to its package and native leaves to what they are', () => {
    expect(categorize(['JS:*handle file:///w/packages/handshake/dist/x.js:1:1 (/tmp/m)'])).toBe(
      'tlskit handshake',
    );
    expect(
      categorize([
        'x25519_fe64_sqr+0x12 (/usr/bin/node)',
        'JS:*respond file:///w/packages/crypto/dist/g.js:1:1',
      ]),
    ).toBe('OpenSSL (cryptography, lookups, memcpy)');
    expect(categorize(['_int_malloc+0x1 (/lib/libc.so.6)'])).toBe('malloc/free');
    expect(categorize(['tcp_sendmsg+0x1 ([kernel.kallsyms])'])).toBe(
      'kernel (TCP, epoll, scheduling, page faults)',
    );
    expect(
      categorize([
        'v8::internal::ScavengerCollector::JobTask::Run+0x1 (/usr/bin/node)',
        'node::(anonymous namespace)::PlatformWorkerThread+0x1 (/usr/bin/node)',
      ]),
    ).toBe('V8 GC and sweeper threads');
    expect(
      categorize([
        'Builtins_LoadIC+0x1 (/usr/bin/node)',
        'JS:*emit node:events:471:44+0x1 (/tmp/m)',
      ]),
    ).toBe("Node's net, streams, events (JavaScript)");
  });

  it('turns shares into microseconds per unit', () => {
    const rows = account(parsePerfScript(script), 1000);
    expect(rows.map((r) => [r.category, r.microseconds])).toEqual([
      ['tlskit handshake', 500],
      ['OpenSSL (cryptography, lookups, memcpy)', 500],
    ]);
  });
});
