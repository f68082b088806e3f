import type { HandshakeInfo, Session13 } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { checkEarlyData, type EarlyDataContext, earlyDataReason } from '../src/early-data.js';
import { parseArgs, type ShimConfig } from '../src/flags.js';
import { Unsupported } from '../src/options.js';

function config(args: string[]): ShimConfig {
  const result = parseArgs(args);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.initial;
}

const enabled = config(['-enable-early-data']);
const info = (fields: Partial<HandshakeInfo>) =>
  ({ version: 'TLSv1.3', resumed: true, helloRetryRequest: false, ...fields }) as HandshakeInfo;
const session = { version: 'TLSv1.3', maxEarlyData: 16384 } as Session13;
const client: EarlyDataContext = {
  isServer: false,
  session,
  ticketAllowedEarlyData: false,
  ticketAlpn: undefined,
};
const server: EarlyDataContext = {
  isServer: true,
  session: undefined,
  ticketAllowedEarlyData: true,
  ticketAlpn: 'foo',
};

describe('earlyDataReason', () => {
  it('names what both sides can tell', () => {
    expect(earlyDataReason(config([]), info({}), client)).toBe('disabled');
    expect(earlyDataReason(enabled, info({ earlyData: 'accepted' }), server)).toBe('accept');
    expect(earlyDataReason(enabled, info({ version: 'TLSv1.2' }), client)).toBe('protocol_version');
  });

  it('names a client rejection by what the client saw, HelloRetryRequest first', () => {
    const rejected = { earlyData: 'rejected' } as const;
    expect(earlyDataReason(enabled, info({}), { ...client, session: undefined })).toBe(
      'no_session_offered',
    );
    expect(
      earlyDataReason(enabled, info({}), { ...client, session: { ...session, maxEarlyData: 0 } }),
    ).toBe('unsupported_for_session');
    expect(
      earlyDataReason(
        enabled,
        info({ ...rejected, resumed: false, helloRetryRequest: true }),
        client,
      ),
    ).toBe('hello_retry_request');
    expect(earlyDataReason(enabled, info({ ...rejected, resumed: false }), client)).toBe(
      'session_not_resumed',
    );
    expect(earlyDataReason(enabled, info(rejected), client)).toBe('peer_declined');
  });

  it('names a server rejection from the ticket it issued, and refuses to guess the rest', () => {
    const rejected = { earlyData: 'rejected', alpn: 'foo' } as const;
    expect(
      earlyDataReason(
        enabled,
        info({ ...rejected, resumed: false, helloRetryRequest: true }),
        server,
      ),
    ).toBe('session_not_resumed');
    expect(
      earlyDataReason(enabled, info(rejected), { ...server, ticketAllowedEarlyData: false }),
    ).toBe('unsupported_for_session');
    expect(earlyDataReason(enabled, info({ ...rejected, alpn: 'bar' }), server)).toBe(
      'alpn_mismatch',
    );
    // Rejected for ticket age skew (or reuse): tlskit does not say which.
    expect(() => earlyDataReason(enabled, info(rejected), server)).toThrow(Unsupported);
  });
});

describe('checkEarlyData', () => {
  it('compares acceptance and reason with what the flags expect', () => {
    const fail = (message: string) => new Error(message);
    const accept = config(['-enable-early-data', '-expect-accept-early-data']);
    expect(() =>
      checkEarlyData(accept, info({ earlyData: 'accepted' }), client, fail),
    ).not.toThrow();
    expect(() => checkEarlyData(accept, info({ earlyData: 'rejected' }), client, fail)).toThrow(
      'Early data was not accepted, but we expected the opposite',
    );
    const reason = config(['-enable-early-data', '-expect-early-data-reason', 'peer_declined']);
    expect(() => checkEarlyData(reason, info({ earlyData: 'accepted' }), client, fail)).toThrow(
      'Early data reason was "accept", expected "peer_declined"',
    );
  });
});
