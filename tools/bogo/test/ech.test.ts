import { EchRejectedError } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { echClientOptions, echServerOptions, expectEchRejection } from '../src/ech.js';
import { parseArgs, type ShimConfig } from '../src/flags.js';

function config(args: string[]): ShimConfig {
  const parsed = parseArgs(args);
  if (parsed.kind !== 'ok') throw new Error(`parse: ${parsed.kind}`);
  return parsed.initial;
}

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

describe('ECH flags', () => {
  it('pairs each -ech-server-config with its key and retry flag, in order', () => {
    const c = config([
      ...['-ech-server-config', b64([1]), '-ech-server-key', b64([2]), '-ech-is-retry-config', '0'],
      ...['-ech-server-config', b64([3]), '-ech-server-key', b64([4]), '-ech-is-retry-config', '1'],
    ]);
    expect(echServerOptions(c).echKeys).toEqual([
      { config: Uint8Array.of(1), privateKey: Uint8Array.of(2), sendAsRetry: false },
      { config: Uint8Array.of(3), privateKey: Uint8Array.of(4), sendAsRetry: true },
    ]);
    expect(echServerOptions(config([]))).toEqual({});
    expect(echClientOptions(config(['-ech-config-list', b64([0, 0])]))).toEqual({
      echConfigList: Uint8Array.of(0, 0),
    });
  });

  it('-expect-ech-retry-configs needs a rejection with exactly those configurations', async () => {
    const c = config(['-expect-ech-retry-configs', b64([9, 9])]);
    const fail = (m: string) => new Error(m);
    const rejected = (configs: Uint8Array | undefined) => async () => {
      throw new Error('connection failed', { cause: new EchRejectedError('x', configs) });
    };
    await expect(expectEchRejection(c, rejected(Uint8Array.of(9, 9)), fail)).rejects.toThrow(
      'connection failed',
    );
    await expect(expectEchRejection(c, rejected(Uint8Array.of(9)), fail)).rejects.toThrow(
      'did not match',
    );
    await expect(expectEchRejection(c, async () => {}, fail)).rejects.toThrow('Expected ECH');
    const none = config(['-expect-no-ech-retry-configs']);
    await expect(expectEchRejection(none, rejected(undefined), fail)).rejects.toThrow(
      'connection failed',
    );
    // Without the flags the connection's outcome is its own.
    await expect(expectEchRejection(config([]), async () => {}, fail)).resolves.toBeUndefined();
  });
});
