import type { Connection, HandshakeInfo } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { falseStartOptions, watchFalseStart } from '../src/false-start.js';
import { parseArgs, type ShimConfig } from '../src/flags.js';

function config(args: string[]): ShimConfig {
  const result = parseArgs(args);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.initial;
}

/** A connection stand-in that only keeps listeners, so a test can fire them. */
function fakeEngine() {
  const listeners = new Map<string, (arg?: unknown) => void>();
  const engine = {
    on: (event: string, listener: (arg?: unknown) => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  } as unknown as Connection;
  return { engine, fire: (event: string, arg?: unknown) => listeners.get(event)?.(arg) };
}

describe('False Start flags', () => {
  it('maps -false-start and -allow-false-start-without-alpn onto the client options', () => {
    expect(falseStartOptions(config([]))).toEqual({});
    expect(falseStartOptions(config(['-false-start']))).toEqual({ falseStart: true });
    expect(falseStartOptions(config(['-false-start', '-allow-false-start-without-alpn']))).toEqual({
      falseStart: true,
      falseStartWithoutAlpn: true,
    });
  });

  it('reports what False Start negotiated, and a completed handshake under -handshake-never-done', () => {
    const { engine, fire } = fakeEngine();
    let woken = 0;
    const watch = watchFalseStart(engine, config(['-handshake-never-done']), () => woken++);
    expect(watch.info()).toBeUndefined();
    const info = { version: 'TLSv1.2', alpn: 'foo' } as HandshakeInfo;
    fire('falseStart', info);
    expect(watch.info()).toBe(info);
    expect(watch.violation()).toBeUndefined();
    fire('handshake', info);
    expect(watch.violation()).toBe('Handshake unexpectedly completed.');
    expect(woken).toBe(2);
    // Without the flag a completed handshake is what should happen.
    const plain = fakeEngine();
    const quiet = watchFalseStart(plain.engine, config([]), () => {});
    plain.fire('handshake', info);
    expect(quiet.violation()).toBeUndefined();
  });
});
