import type { Connection, HandshakeInfo, Session12 } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { parseArgs, type ShimConfig } from '../src/flags.js';
import { shimClock } from '../src/options.js';
import { CheckFailed, checkSessionRecords, tlsUnique, trafficSecretsRecord } from '../src/shim.js';

function config(args: string[]): ShimConfig {
  const result = parseArgs(args);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.initial;
}

const session = (ticket: number[] | undefined) =>
  ({ version: 'TLSv1.2', ticket: ticket && Uint8Array.from(ticket) }) as Session12;
const noClient = { offered: undefined, received: undefined, resumed: false };

describe('checkSessionRecords', () => {
  it('checks whether the first connection was cached on the server', () => {
    const want = config(['-expect-session-id']);
    expect(() => checkSessionRecords(want, false, true, noClient)).not.toThrow();
    expect(() => checkSessionRecords(want, false, false, noClient)).toThrow(CheckFailed);
    const wantNot = config(['-expect-no-session-id']);
    expect(() => checkSessionRecords(wantNot, false, true, noClient)).toThrow(CheckFailed);
    // Resumptions are not checked.
    expect(() => checkSessionRecords(want, true, false, noClient)).not.toThrow();
  });

  it('checks that a resumption brought a new ticket', () => {
    const renewal = config(['-expect-ticket-renewal']);
    const offered = session([1]);
    const renewed = { offered, received: session([2]), resumed: true };
    expect(() => checkSessionRecords(renewal, true, false, renewed)).not.toThrow();
    const same = { offered, received: offered, resumed: true };
    expect(() => checkSessionRecords(renewal, true, false, same)).toThrow(CheckFailed);
    const reissued = { offered, received: session([1]), resumed: true };
    expect(() => checkSessionRecords(renewal, true, false, reissued)).toThrow(CheckFailed);
  });
});

describe('shimClock', () => {
  it('stands still until -resumption-delay moves it', async () => {
    const before = shimClock.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(shimClock.now()).toBe(before);
    shimClock.offsetMs += 10_000;
    expect(shimClock.now()).toBe(before + 10_000);
    shimClock.offsetMs -= 10_000;
  });
});

describe('channel bindings and traffic secrets', () => {
  const info = (version: 'TLSv1.2' | 'TLSv1.3', resumed: boolean) =>
    ({ version, resumed }) as HandshakeInfo;
  const engine = {
    getFinished: (direction: 'sent' | 'received') => Uint8Array.of(direction === 'sent' ? 1 : 2),
  } as Connection;

  it('takes tls-unique from the first Finished of the handshake (RFC 5929 3.1)', () => {
    expect(tlsUnique(engine, info('TLSv1.2', false), false)).toEqual(Uint8Array.of(1));
    expect(tlsUnique(engine, info('TLSv1.2', true), false)).toEqual(Uint8Array.of(2));
    expect(tlsUnique(engine, info('TLSv1.2', false), true)).toEqual(Uint8Array.of(2));
    expect(tlsUnique(engine, info('TLSv1.2', true), true)).toEqual(Uint8Array.of(1));
    expect(() => tlsUnique(engine, info('TLSv1.3', false), false)).toThrow(CheckFailed);
  });

  it('writes the read secret, then the write secret, after a little-endian length', () => {
    const secrets = new Map([
      ['CLIENT_TRAFFIC_SECRET_0', Uint8Array.of(0xc1, 0xc2)],
      ['SERVER_TRAFFIC_SECRET_0', Uint8Array.of(0x51, 0x52)],
    ]);
    expect([...trafficSecretsRecord(secrets, false)]).toEqual([2, 0, 0x51, 0x52, 0xc1, 0xc2]);
    expect([...trafficSecretsRecord(secrets, true)]).toEqual([2, 0, 0xc1, 0xc2, 0x51, 0x52]);
    expect(() => trafficSecretsRecord(new Map(), true)).toThrow(CheckFailed);
  });
});
