/**
 * The trace formatter on the RFC 8448 example handshakes (vectors/rfc8448): each
 * expected value is one RFC 8448 prints for that message (its random, the SNI "server", the
 * x25519 share, the certificate "CN=rsa", rsa_pss_rsae_sha256 with a 128-byte signature).
 */
import { readFileSync } from 'node:fs';
import type { MessageTrace } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { Tracer } from '../src/trace.js';

const vectors = new URL('../../../vectors/rfc8448/transcripts.vec', import.meta.url);

/** `[Section]` then `Key = hex` lines, as in the vectors file. */
function section(name: string): Map<string, string> {
  const values = new Map<string, string>();
  let current = '';
  for (const line of readFileSync(vectors, 'utf8').split('\n')) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header?.[1] !== undefined) current = header[1];
    const entry = /^(\w+) = ([0-9a-fA-F]+)$/.exec(line.trim());
    if (entry?.[1] !== undefined && entry[2] !== undefined && current === name) {
      values.set(entry[1], entry[2]);
    }
  }
  return values;
}

/** The message as the engine's `message` event reports it; records lose their 5-byte header. */
function traced(
  vectors: Map<string, string>,
  key: string,
  direction: 'sent' | 'received',
  type: string,
): MessageTrace {
  const hex = vectors.get(key);
  if (hex === undefined) throw new Error(`no ${key} in the vectors`);
  const bytes = Buffer.from(key.startsWith('Record_') ? hex.slice(10) : hex, 'hex');
  return { direction, type, length: bytes.length, fields: {}, bytes: new Uint8Array(bytes) };
}

describe('Tracer on RFC 8448', () => {
  it('annotates the section 3 handshake as the client saw it', () => {
    const simple = section('Simple_1RTT_Handshake');
    const tracer = new Tracer('client');
    const hello = tracer.format(traced(simple, 'Record_ClientHello_1', 'sent', 'client_hello'));
    expect(hello).toMatch(/^client -> server {2}client_hello \(196 bytes\)\n/);
    expect(hello).toContain(
      '    random: cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7\n',
    );
    expect(hello).toContain('    server name (SNI): server\n');
    expect(hello).toContain('    versions: TLSv1.3\n');
    expect(hello).toContain(
      '    cipher suites: TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_256_GCM_SHA384\n',
    );
    expect(hello).toContain('    key shares: x25519 (32 bytes)\n');
    expect(tracer.clientRandom).toBe(
      'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7',
    );
    const serverHello = tracer.format(
      traced(simple, 'Message_ServerHello', 'received', 'server_hello'),
    );
    expect(serverHello).toMatch(/^server -> client {2}server_hello \(90 bytes\)\n/);
    expect(serverHello).toContain(
      '    version: TLSv1.3\n    cipher suite: TLS_AES_128_GCM_SHA256\n',
    );
    expect(serverHello).toContain('    key share: x25519 (32 bytes)\n');
    const certificate = tracer.format(
      traced(simple, 'Message_Server_Certificate', 'received', 'certificate'),
    );
    expect(certificate).toContain('    leaf: CN=rsa (');
    const verify = tracer.format(
      traced(simple, 'Message_Server_CertificateVerify', 'received', 'certificate_verify'),
    );
    expect(verify).toContain(
      '    signature scheme: rsa_pss_rsae_sha256\n    signature: 128 bytes\n',
    );
    const finished = tracer.format(
      traced(simple, 'Message_Server_Finished', 'received', 'finished'),
    );
    expect(finished).toBe('server -> client  finished (36 bytes)\n    verify_data: 32 bytes\n');
  });

  it('shows the section 5 HelloRetryRequest and the second key share', () => {
    const hrr = section('HelloRetryRequest_Handshake');
    const tracer = new Tracer('server');
    // The server's view: the ClientHello was received, the HelloRetryRequest sent.
    const first = tracer.format(traced(hrr, 'Record_ClientHello_1', 'received', 'client_hello'));
    expect(first).toMatch(/^client -> server {2}client_hello/);
    expect(first).toContain('    key shares: x25519 (32 bytes)\n');
    const retry = tracer.format(traced(hrr, 'Record_HelloRetryRequest', 'sent', 'server_hello'));
    expect(retry).toMatch(
      /^server -> client {2}server_hello \(176 bytes\)\n {4}HelloRetryRequest: /,
    );
    expect(retry).toContain('    selected group: secp256r1\n');
    expect(retry).not.toContain('random:');
    const second = tracer.format(traced(hrr, 'Record_ClientHello_2', 'received', 'client_hello'));
    expect(second).toContain('    key shares: secp256r1 (65 bytes)\n');
  });

  it('formats alerts with their level, name and number', () => {
    const tracer = new Tracer('client');
    expect(
      tracer.formatAlert({
        direction: 'received',
        level: 2,
        description: 116,
        name: 'certificate_required',
      }),
    ).toBe('server -> client  alert: fatal certificate_required (116)\n');
  });
});
