import { describe, expect, it } from 'vitest';
import { certCompressionOptions } from '../src/cert-compression.js';
import { parseArgs, type ShimConfig } from '../src/flags.js';

function config(args: string[]): ShimConfig {
  const result = parseArgs(args);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.initial;
}

const algorithms = (args: string[]) => certCompressionOptions(config(args)).certificateCompression;

// A Certificate body: empty request context, a 3-byte list length, then the list.
const body = Uint8Array.of(0, 0, 0, 5, 0, 0, 1, 0xaa, 0);

describe('certificate compression flags', () => {
  it("installs the three mock algorithms in BoringSSL's shim order, or one, or none", () => {
    expect(algorithms([])).toBeUndefined();
    expect(algorithms(['-install-cert-compression-algs'])?.map((a) => a.id)).toEqual([
      0xff02, 0xff01, 0xff03,
    ]);
    expect(algorithms(['-install-one-cert-compression-alg', '65281'])?.map((a) => a.id)).toEqual([
      0xff01,
    ]);
  });

  it('each algorithm undoes its own compression, as the runner expects of it', async () => {
    for (const a of algorithms(['-install-cert-compression-algs'])!) {
      const compressed = await a.compress!(body);
      expect(await a.decompress(compressed, body.length)).toEqual(body);
    }
  });

  it('compresses as the runner decompresses: 1 2 3 4 in front, 0 0 taken off, one byte in front', async () => {
    const [expanding, shrinking, random] = algorithms(['-install-cert-compression-algs'])!;
    expect(await expanding!.compress!(body)).toEqual(Uint8Array.of(1, 2, 3, 4, ...body));
    expect(await shrinking!.compress!(body)).toEqual(body.slice(2));
    expect((await random!.compress!(body)).subarray(1)).toEqual(body);
  });

  it("refuses input of the wrong length or form, as BoringSSL's mocks do", () => {
    const [expanding, shrinking, random] = algorithms(['-install-cert-compression-algs'])!;
    expect(() => expanding!.decompress(Uint8Array.of(1, 2, 3, 5, 9), 1)).toThrow();
    expect(() => expanding!.decompress(Uint8Array.of(1, 2, 3, 4, 9), 2)).toThrow();
    expect(() => shrinking!.decompress(Uint8Array.of(9), 12)).toThrow();
    expect(() => shrinking!.compress!(Uint8Array.of(1, 0))).toThrow();
    expect(() => random!.decompress(Uint8Array.of(7, 9), 2)).toThrow();
  });
});
