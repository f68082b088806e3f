/**
 * Rules of RFC 8446 section 7.1 that the RFC 8448 traces do not exercise.
 */
import { createHash, createHmac } from 'node:crypto';
import { createNobleProvider } from '@tlskit/crypto';
import { describe, expect, it } from 'vitest';
import { EarlySecret, HandshakeSecret, MasterSecret } from '../src/index.js';

const provider = createNobleProvider();

describe('TLS 1.3 schedule stages', () => {
  it('extracts from Hash.length zeros when there is no (EC)DHE secret (psk_ke)', () => {
    const early = EarlySecret.create(provider, 'SHA-384', new Uint8Array(48).fill(7));
    const none = early.deriveHandshakeSecret();
    const zeros = early.deriveHandshakeSecret(new Uint8Array(48));
    expect(none.secret).toEqual(zeros.secret);
  });

  it('starts a full handshake from HKDF-Extract(0, 0) (RFC 8446 7.1)', () => {
    const early = EarlySecret.create(provider, 'SHA-256');
    const zeros = new Uint8Array(32);
    expect(early.secret).toEqual(
      new Uint8Array(createHmac('sha256', zeros).update(zeros).digest()),
    );
  });

  it('keeps the PSK binder labels apart: resumption and external binder keys differ', () => {
    const early = EarlySecret.create(provider, 'SHA-256', new Uint8Array(32).fill(1));
    expect(early.binderKey('resumption')).not.toEqual(early.binderKey('external'));
    const hash = new Uint8Array(createHash('sha256').update('ClientHello').digest());
    expect(early.pskBinder('resumption', hash)).not.toEqual(early.pskBinder('external', hash));
  });

  it('offers each secret only at its own stage', () => {
    // Typestate: these are compile-time facts; the runtime check keeps them from regressing.
    expect('clientHandshakeTrafficSecret' in EarlySecret.prototype).toBe(false);
    expect('clientApplicationTrafficSecret' in HandshakeSecret.prototype).toBe(false);
    expect('binderKey' in MasterSecret.prototype).toBe(false);
    expect('deriveMasterSecret' in EarlySecret.prototype).toBe(false);
  });

  it('cannot be constructed except through the previous stage (checked by tsc)', () => {
    const forge = (): unknown =>
      // @ts-expect-error the stage constructors are not public
      new HandshakeSecret(provider, 'SHA-256', new Uint8Array(32));
    expect(typeof forge).toBe('function');
  });
});

describe('the PSK-less Early Secret is computed once', () => {
  it('makes no HMAC for it or its salt on a later handshake, with the same results', () => {
    let hmacs = 0;
    const base = createNobleProvider();
    const counting = {
      ...base,
      hmac: (...args: Parameters<typeof base.hmac>) => {
        hmacs++;
        return base.hmac(...args);
      },
      hkdfExtract: (...args: Parameters<typeof base.hkdfExtract>) => {
        hmacs++;
        return base.hkdfExtract(...args);
      },
      hkdfExpand: (...args: Parameters<typeof base.hkdfExpand>) => {
        hmacs++;
        return base.hkdfExpand(...args);
      },
    };
    const shared = new Uint8Array(32).fill(7);
    const first = EarlySecret.create(counting, 'SHA-256').deriveHandshakeSecret(shared);
    const firstCount = hmacs;
    hmacs = 0;
    const second = EarlySecret.create(counting, 'SHA-256').deriveHandshakeSecret(shared);
    // Only HKDF-Extract(salt, shared) is left: Early Secret and "derived" are not recomputed.
    expect(firstCount).toBe(3);
    expect(hmacs).toBe(1);
    expect(second.secret).toEqual(first.secret);
    // A PSK still gets its own Early Secret.
    const psk = EarlySecret.create(counting, 'SHA-256', new Uint8Array(32).fill(1));
    expect(psk.secret).not.toEqual(EarlySecret.create(counting, 'SHA-256').secret);
  });
});
