/** Code point names against independent lists: OpenSSL's IANA cipher names. */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { code } from '../src/names.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe('code point names', () => {
  it.skipIf(!hasOpenssl)('names every cipher suite as OpenSSL -stdname does', () => {
    const listing = execFileSync('openssl', ['ciphers', '-stdname', '-V', 'ALL:COMPLEMENTOFALL'], {
      encoding: 'utf8',
    });
    let compared = 0;
    for (const match of listing.matchAll(/0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (TLS_\w+)/g)) {
      const value = Number.parseInt(`${match[1]}${match[2]}`, 16);
      const ours = code('CipherSuite', value).name;
      if (ours === undefined) continue;
      expect(ours, `0x${value.toString(16)}`).toBe(match[3]);
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('names RFC 8701 GREASE values and leaves other unknown values unnamed', () => {
    for (let i = 0; i < 16; i++) {
      const grease = i * 0x1010 + 0x0a0a;
      expect(code('CipherSuite', grease).name).toBe('GREASE');
      expect(code('ExtensionType', grease).name).toBe('GREASE');
    }
    expect(code('CipherSuite', 0x0a0b).name).toBeUndefined();
    // GREASE is defined for the uint16 registries only.
    expect(code('PskKeyExchangeMode', 0x0a).name).toBeUndefined();
  });
});
