import { describe, expect, it } from 'vitest';
import { flagKinds } from '../src/flag-table.js';
import {
  flagBool,
  flagInt,
  flagInts,
  flagString,
  implementedFlags,
  parseArgs,
} from '../src/flags.js';

function ok(args: string[]) {
  const result = parseArgs(args);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result;
}

describe('parseArgs', () => {
  it('reads the protocol flags of a typical test', () => {
    const { initial, resume } = ok([
      '-port',
      '4433',
      '-shim-id',
      '7',
      '-ipv6',
      '-server',
      '-resume-count',
      '1',
      '-curves',
      '29',
      '-curves',
      '23',
      '-min-version',
      '771',
    ]);
    for (const config of [initial, resume]) {
      expect(flagInt(config, '-port')).toBe(4433);
      expect(flagInt(config, '-shim-id')).toBe(7);
      expect(flagBool(config, '-ipv6')).toBe(true);
      expect(flagBool(config, '-server')).toBe(true);
      expect(flagInts(config, '-curves')).toEqual([29, 23]);
    }
    expect(flagBool(initial, '-shim-writes-first')).toBe(false);
  });

  it('refuses a flag outside the table with its name', () => {
    expect(parseArgs(['-port', '1', '-no-such-flag'])).toEqual({
      kind: 'unknown',
      flag: '-no-such-flag',
    });
    // A prefix does not make an unknown name known.
    expect(parseArgs(['-on-resume-bogus'])).toEqual({ kind: 'unknown', flag: '-bogus' });
  });

  it('reports a known but unimplemented flag, even one for the resumption only', () => {
    expect(parseArgs(['-port', '1', '-enable-channel-id'])).toEqual({
      kind: 'unimplemented',
      flag: '-enable-channel-id',
    });
    expect(parseArgs(['-on-resume-enable-channel-id'])).toEqual({
      kind: 'unimplemented',
      flag: '-enable-channel-id',
    });
    expect(parseArgs(['-on-retry-srtp-profiles', 'SRTP_AES128_CM_SHA1_80'])).toEqual({
      kind: 'unimplemented',
      flag: '-srtp-profiles',
    });
  });

  it('skips flags meant for the split-handshake helper', () => {
    const { initial } = ok(['-on-handshaker-enable-early-data', '-on-shim-server']);
    expect(flagBool(initial, '-server')).toBe(true);
  });

  it('applies -on-initial and -on-resume to one connection each', () => {
    const { initial, resume } = ok([
      '-on-initial-expect-curve-id',
      '29',
      '-on-resume-expect-session-miss',
      '-host-name',
      'a',
    ]);
    expect(flagInt(initial, '-expect-curve-id')).toBe(29);
    expect(flagInt(resume, '-expect-curve-id')).toBeUndefined();
    expect(flagBool(resume, '-expect-session-miss')).toBe(true);
    expect(flagBool(initial, '-expect-session-miss')).toBe(false);
    expect(flagString(initial, '-host-name')).toBe('a');
    expect(flagString(resume, '-host-name')).toBe('a');
  });

  it('gives the 0-RTT retry the unprefixed flags and the -on-retry ones only', () => {
    const { initial, resume, retry } = ok([
      '-enable-early-data',
      '-on-resume-expect-reject-early-data',
      '-on-resume-shim-writes-first',
      '-on-retry-expect-early-data-reason',
      'peer_declined',
    ]);
    for (const config of [initial, resume, retry]) {
      expect(flagBool(config, '-enable-early-data')).toBe(true);
    }
    expect(flagBool(resume, '-expect-reject-early-data')).toBe(true);
    expect(flagBool(retry, '-expect-reject-early-data')).toBe(false);
    expect(flagBool(retry, '-shim-writes-first')).toBe(false);
    expect(flagString(retry, '-expect-early-data-reason')).toBe('peer_declined');
    expect(flagString(resume, '-expect-early-data-reason')).toBeUndefined();
  });

  it('refuses a missing or malformed value', () => {
    expect(parseArgs(['-port'])).toMatchObject({ kind: 'invalid', flag: '-port' });
    expect(parseArgs(['-port', 'x'])).toMatchObject({ kind: 'invalid', flag: '-port' });
    expect(parseArgs(['-curves', '2.5'])).toMatchObject({ kind: 'invalid', flag: '-curves' });
  });

  it('gives credential flags to the credential -new-x509-credential opened', () => {
    const { initial } = ok([
      '-cert-file',
      'a.pem',
      '-key-file',
      'a.key',
      '-new-x509-credential',
      '-cert-file',
      'b.pem',
      '-key-file',
      'b.key',
      '-signing-prefs',
      '2052',
    ]);
    expect(flagString(initial, '-cert-file')).toBe('a.pem');
    expect(initial.credentials).toHaveLength(1);
    expect(initial.credentials[0]!.values.get('-cert-file')).toBe('b.pem');
    expect(initial.credentials[0]!.values.get('-signing-prefs')).toEqual([2052]);
    expect(flagInts(initial, '-signing-prefs')).toEqual([]);
  });

  it('implements only flags the table knows', () => {
    for (const name of implementedFlags) expect(flagKinds).toHaveProperty([name]);
  });
});
