/**
 * `reverifyOnResume`: a resumed session's chain goes through the verifier again, once per
 * connection: when the server accepts the session, or before the ClientHello when 0-RTT is
 * offered (so no early data goes out on a chain the verifier now refuses).
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { TlsError } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import {
  type CertificateVerifier,
  createClient,
  MemoryAntiReplayStore,
  type TlsVersion,
} from '../src/index.js';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';

const ticketKeys = [{ name: new Uint8Array(16).fill(7), key: new Uint8Array(32).fill(8) }];

/** A verifier that accepts until `refuse` is set, and counts its calls. */
function countingVerifier() {
  const state = { calls: 0, refuse: false };
  const verify: CertificateVerifier = async () => {
    state.calls++;
    if (state.refuse) throw new TlsError('ERR_CERT_REJECTED', 46, 'refused on purpose');
  };
  return { state, verify };
}

describe.each<TlsVersion>(['TLSv1.3', 'TLSv1.2'])('reverifyOnResume over %s', (version) => {
  const only = { minVersion: version, maxVersion: version };

  async function firstSession(verify: CertificateVerifier) {
    const f = await fixtures();
    const first = await connectPair(
      [f.server.p256],
      { ...only, verifyCertificate: verify },
      { ticketKeys },
    );
    expect(first.sessions.length).toBeGreaterThan(0);
    return { f, session: first.sessions[0]! };
  }

  it('verifies the session chain again when the server resumes, only when asked', async () => {
    const { state, verify } = countingVerifier();
    const { f, session } = await firstSession(verify);
    expect(state.calls).toBe(1);
    const plain = await connectPair(
      [f.server.p256],
      { ...only, verifyCertificate: verify, session },
      { ticketKeys },
    );
    expect(plain.clientInfo?.resumed).toBe(true);
    expect(state.calls).toBe(1);
    const again = await connectPair(
      [f.server.p256],
      { ...only, verifyCertificate: verify, session, reverifyOnResume: true },
      { ticketKeys },
    );
    expect(again.clientInfo?.resumed).toBe(true);
    expect(state.calls).toBe(2);
  });

  it('fails the resumption with the verifier alert when it now refuses the chain', async () => {
    const { state, verify } = countingVerifier();
    const { f, session } = await firstSession(verify);
    state.refuse = true;
    const pair = await connectPair(
      [f.server.p256],
      { ...only, verifyCertificate: verify, session, reverifyOnResume: true },
      { ticketKeys },
    );
    expect(pair.clientInfo).toBeUndefined();
    expect(pair.clientClose?.error).toMatchObject({ code: 'ERR_CERT_REJECTED', alert: 46 });
    expect(pair.serverClose?.error).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 46 });
  });
});

describe('reverifyOnResume with 0-RTT', () => {
  it('verifies before the ClientHello, and sends nothing when the verifier refuses', async () => {
    const f = await fixtures();
    const { state, verify } = countingVerifier();
    const server = { ticketKeys, maxEarlyData: 1000, antiReplay: new MemoryAntiReplayStore() };
    const first = await connectPair([f.server.p256], { verifyCertificate: verify }, server);
    const session = first.sessions[0]!;
    // Accepted 0-RTT: one verification, before the ClientHello.
    const accepted = await connectPair(
      [f.server.p256],
      { verifyCertificate: verify, session, earlyData: true, reverifyOnResume: true },
      server,
    );
    expect(accepted.clientInfo).toMatchObject({ resumed: true, earlyData: 'accepted' });
    expect(state.calls).toBe(2);
    state.refuse = true;
    const c = createClient({
      provider,
      serverName: 'localhost',
      verifyCertificate: verify,
      session,
      earlyData: true,
      reverifyOnResume: true,
    });
    let closed: Error | undefined;
    c.on('close', (e) => {
      closed = e.error;
    });
    await c.start().catch(() => undefined);
    expect(closed ?? new Error('not closed')).toMatchObject({ code: 'ERR_CERT_REJECTED' });
    // No ClientHello, no early data: at most the alert, in plaintext.
    const out = c.takeOutput();
    const bytes = out.reduce((n, chunk) => n + chunk.length, 0);
    expect(bytes === 0 || (out[0]![0] === 21 && bytes === 7)).toBe(true);
  });
});
