import { nodeProvider } from '@tlskit/crypto/node';
import { isTlsError } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { errorString } from '../src/errors.js';
import { parseArgs, type ShimConfig } from '../src/flags.js';
import { clientOcsp, clientOptions, Signer, serverOcsp } from '../src/options.js';

function config(args: string[]): ShimConfig {
  const result = parseArgs(args);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.initial;
}

const chain = [Uint8Array.of(0x30)];
const staple = Uint8Array.of(1, 2, 3, 4);
const entry = { chain, key: {} as never, ocspResponse: staple };

describe('OCSP flags', () => {
  it('asks for a staple only with -enable-ocsp-stapling, and accepts any without a callback', async () => {
    expect(clientOcsp(config([]))).toEqual({});
    const options = clientOcsp(config(['-enable-ocsp-stapling']));
    expect(options.requestOcsp).toBe(true);
    expect(await options.verifyOcspStaple!(staple, chain)).toBe('good');
    expect(await options.verifyOcspStaple!(undefined, chain)).toBe('none');
  });

  it('fails the client callback under -fail-ocsp-callback, even without a staple', () => {
    const options = clientOcsp(
      config(['-enable-ocsp-stapling', '-use-ocsp-callback', '-fail-ocsp-callback']),
    );
    expect(() => options.verifyOcspStaple!(undefined, chain)).toThrow('-fail-ocsp-callback');
  });

  it('staples, declines or fails in the server callback', async () => {
    expect(serverOcsp(config(['-ocsp-response', 'AQIDBA==']), [entry])).toEqual({});
    const request = { chain, serverName: undefined };
    const set = serverOcsp(config(['-use-ocsp-callback', '-set-ocsp-in-callback']), [entry]);
    expect(await set.ocspStapling!(request)).toBe(staple);
    const decline = serverOcsp(config(['-use-ocsp-callback', '-decline-ocsp-callback']), [entry]);
    expect(await decline.ocspStapling!(request)).toBeUndefined();
    const fail = serverOcsp(config(['-use-ocsp-callback', '-fail-ocsp-callback']), [entry]);
    let error: unknown;
    try {
      await fail.ocspStapling!(request);
    } catch (caught) {
      error = caught;
    }
    expect(isTlsError(error) && errorString(error)).toBe(':OCSP_CB_ERROR:');
  });
});

describe('-reverify-on-resume with 0-RTT', () => {
  it('answers a second verification with the -on-retry flags', async () => {
    const parsed = parseArgs([
      '-enable-early-data',
      '-reverify-on-resume',
      '-verify-peer',
      '-use-custom-verify-callback',
      '-on-retry-verify-fail',
    ]);
    if (parsed.kind !== 'ok') throw new Error('parse');
    const signer = new Signer(nodeProvider);
    const record = { failed: false };
    const options = await clientOptions(parsed.resume, signer, record, parsed.retry);
    expect(options.reverifyOnResume).toBe(true);
    const context = { serverName: undefined, now: 0, peer: 'server' as const };
    await options.verifyCertificate!(chain, context);
    expect(record.failed).toBe(false);
    await expect(options.verifyCertificate!(chain, context)).rejects.toMatchObject({ alert: 46 });
    expect(record.failed).toBe(true);
  });
});
