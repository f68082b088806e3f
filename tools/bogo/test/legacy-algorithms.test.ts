import { describe, expect, it } from 'vitest';
import { parseArgs, type ShimConfig } from '../src/flags.js';
import { shimProvider, signatureSchemesOption, withoutMd5Sha1 } from '../src/legacy-algorithms.js';

function config(args: string[]): ShimConfig {
  const result = parseArgs(args);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.initial;
}

const provider = shimProvider();

describe('SHA-1 schemes from the flags', () => {
  it('leaves signatureSchemes to tlskit when no flag names a scheme', () => {
    expect(signatureSchemesOption(config([]), provider, [])).toBeUndefined();
    expect(
      signatureSchemesOption(config(['-signing-prefs', '1027']), provider, []),
    ).toBeUndefined();
  });

  it('adds a SHA-1 scheme of -signing-prefs (any credential) to -verify-prefs or the defaults', () => {
    expect(signatureSchemesOption(config(['-signing-prefs', '513']), provider, [0x0804])).toEqual([
      0x0804, 0x0201,
    ]);
    const withDefaults = signatureSchemesOption(
      config(['-new-x509-credential', '-signing-prefs', '515']),
      provider,
      [],
    );
    expect(withDefaults?.at(-1)).toBe(0x0203);
    expect(withDefaults?.filter((s) => s === 0x0201 || s === 0x0203)).toEqual([0x0203]);
  });
});

describe('rsa_pkcs1_md5_sha1 (0xff01)', () => {
  it('is dropped from a preference list, unless it is all the list holds', () => {
    expect(withoutMd5Sha1([0xff01, 0x0401])).toEqual([0x0401]);
    expect(withoutMd5Sha1([0xff01])).toEqual([0xff01]);
    expect(withoutMd5Sha1([])).toEqual([]);
  });
});
