/**
 * Hostile peers against createServer(), over real TCP on 127.0.0.1 (issue 6, "Bad input").
 * The attacker is a raw `net` socket; every reply is parsed as records, never trusted blindly.
 */
import { once } from 'node:events';
import { connect as nodeConnect } from 'node:tls';
import { TlsError } from '@tlskit/wire';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  sendRaw as attack,
  collectProcessFaults,
  firstAlert,
  wireFixture as fixture,
  stopAllPeers,
} from '@tlskit/interop';
import { cleanup, clientErrorsReach, credential, ourServer } from './servers.js';

/** A real ClientHello record captured from `openssl s_client` (TLS 1.3 and 1.2 offered). */
const clientHello = fixture('openssl-s_client.hex');

afterEach(async () => {
  for (const step of cleanup.splice(0)) step();
  await stopAllPeers();
});

// Any crash of the process under hostile input is a failure of the whole file.
const processFaults = collectProcessFaults();
afterAll(() => {
  processFaults.stop();
  expect(processFaults.faults).toEqual([]);
});
afterEach(() => expect(processFaults.faults).toEqual([]));

function expectTypedErrors(errors: Error[]): void {
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(error).toBeInstanceOf(TlsError);
    // ECONNRESET: node:tls's code for a client that left mid-handshake (PeerDisconnectedError).
    expect((error as TlsError).code).toMatch(/^(ERR_[A-Z0-9_]+|ECONNRESET)$/);
  }
}

/** A good node:tls client completing a handshake and an echo proves the server still serves. */
async function goodClientWorks(port: number): Promise<void> {
  const socket = nodeConnect({
    port,
    host: '127.0.0.1',
    servername: 'tlskit.test',
    ca: credential.ca.pem,
  });
  cleanup.push(() => socket.destroy());
  const signal = AbortSignal.timeout(8_000);
  await Promise.race([
    once(socket, 'secureConnect', { signal }),
    once(socket, 'error', { signal }).then(([e]) => Promise.reject(e)),
  ]);
  socket.write('still serving');
  const [data] = (await once(socket, 'data', { signal })) as [Buffer];
  expect(data.toString()).toBe('still serving');
  socket.destroy();
}

const record = (type: number, body: Uint8Array): Uint8Array => {
  const out = new Uint8Array(5 + body.length);
  out.set([type, 3, 3, body.length >> 8, body.length & 0xff]);
  out.set(body, 5);
  return out;
};

/** The ClientHello with a second extended_master_secret (0x0017) appended: a duplicate. */
function withDuplicateExtension(hello: Uint8Array): Uint8Array {
  const view = new DataView(hello.buffer, hello.byteOffset, hello.byteLength);
  let offset = 5 + 4 + 2 + 32;
  offset += 1 + (hello[offset] ?? 0); // legacy_session_id
  offset += 2 + view.getUint16(offset); // cipher_suites
  offset += 1 + (hello[offset] ?? 0); // legacy_compression_methods
  const extensionsLengthAt = offset;
  const extra = Uint8Array.of(0x00, 0x17, 0x00, 0x00);
  const out = new Uint8Array(hello.length + extra.length);
  out.set(hello);
  out.set(extra, hello.length);
  const outView = new DataView(out.buffer);
  outView.setUint16(3, view.getUint16(3) + 4);
  outView.setUint16(7, view.getUint16(7) + 4); // handshake length (low 16 bits of uint24)
  outView.setUint16(extensionsLengthAt, view.getUint16(extensionsLengthAt) + 4);
  return out;
}

describe('createServer() against hostile clients', () => {
  it('answers a truncated ClientHello then FIN with a close and ECONNRESET, as node:tls', async () => {
    const { port, clientErrors } = await ourServer();
    const { reply, ended } = await attack(port, [clientHello.subarray(0, 100)], { fin: true });
    expect(ended).toBe('close');
    const alert = firstAlert(reply);
    if (alert) expect(alert[0]).toBe(2);
    await clientErrorsReach(clientErrors, 1);
    expectTypedErrors(clientErrors);
    expect(clientErrors.map((e) => (e as TlsError).code)).toEqual(['ECONNRESET']);
    await goodClientWorks(port);
  });

  it('completes a handshake when the ClientHello arrives in 1-byte TCP writes', async () => {
    const { port } = await ourServer();
    const bytes = Array.from(clientHello, (b) => Uint8Array.of(b));
    const { reply } = await attack(port, bytes, { waitMs: 1_500 });
    // The server must answer with a ServerHello handshake record (type 22, msg 2).
    expect(reply[0]).toBe(22);
    expect(reply[5]).toBe(2);
  });

  const oversized = (extra: number): Uint8Array[] => [
    Uint8Array.of(22, 3, 3, (16384 + extra) >> 8, (16384 + extra) & 0xff),
    new Uint8Array(16384 + extra),
  ];
  // Rejected before any ServerHello, so the alert is plaintext and its description visible.
  const plaintextAlertCases: [string, () => Uint8Array[], number][] = [
    ['a record of 2^14 + 257 bytes with record_overflow', () => oversized(256 + 1), 22],
    ['a record of 2^14 + 2049 bytes with record_overflow', () => oversized(2048 + 1), 22],
    [
      'a ClientHello with a duplicated extension with illegal_parameter',
      () => [withDuplicateExtension(clientHello)],
      47,
    ],
    [
      'a Finished before anything else with unexpected_message',
      () => [record(22, Uint8Array.of(20, 0, 0, 32, ...new Uint8Array(32)))],
      10,
    ],
    [
      'application_data before the handshake with unexpected_message',
      () => [record(23, new Uint8Array(40))],
      10,
    ],
  ];
  for (const [title, chunks, description] of plaintextAlertCases) {
    it(`rejects ${title} (${description})`, async () => {
      const { port, clientErrors } = await ourServer();
      const { reply, ended } = await attack(port, chunks());
      expect(ended).toBe('close');
      expect(firstAlert(reply)).toEqual([2, description]);
      await clientErrorsReach(clientErrors, 1);
      expectTypedErrors(clientErrors);
      expect(clientErrors[0]).toMatchObject({ alert: description });
    });
  }

  // Rejected after our ServerHello: the alert is encrypted (RFC 8446 5.2), so check the typed
  // error. A CCS whose body is not 0x01 is unexpected_message too (RFC 8446 5).
  const encryptedAlertCases: [string, () => Uint8Array[]][] = [
    ['two ClientHellos in a row', () => [clientHello, clientHello]],
    ['a change_cipher_spec with a bad body', () => [clientHello, record(20, Uint8Array.of(2))]],
  ];
  for (const [title, chunks] of encryptedAlertCases) {
    it(`rejects ${title} with unexpected_message (10)`, async () => {
      const { port, clientErrors } = await ourServer();
      const { reply, ended } = await attack(port, chunks());
      expect(ended).toBe('close');
      expect(reply.length).toBeGreaterThan(0);
      await clientErrorsReach(clientErrors, 1);
      expectTypedErrors(clientErrors);
      expect(clientErrors[0]).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
    });
  }

  it('closes on garbage and keeps serving', async () => {
    const { port, clientErrors } = await ourServer();
    const garbage = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const { reply, ended } = await attack(port, [garbage]);
    expect(ended).toBe('close');
    const alert = firstAlert(reply);
    if (alert) expect(alert[0]).toBe(2);
    await clientErrorsReach(clientErrors, 1);
    expectTypedErrors(clientErrors);
    await goodClientWorks(port);
  });

  it('closes a silent client after handshakeTimeout', async () => {
    const { port, clientErrors } = await ourServer({ handshakeTimeout: 300 });
    const { ended } = await attack(port, [], { waitMs: 3_000 });
    expect(ended).toBe('close');
    await clientErrorsReach(clientErrors, 1);
    expect(clientErrors.map((e) => (e as { code?: string }).code)).toEqual([
      'ERR_TLS_HANDSHAKE_TIMEOUT',
    ]);
  });

  it('closes a client that sends a ClientHello and vanishes after handshakeTimeout', async () => {
    const { port, clientErrors } = await ourServer({ handshakeTimeout: 300 });
    const { ended } = await attack(port, [clientHello], { waitMs: 3_000 });
    expect(ended).toBe('close');
    await clientErrorsReach(clientErrors, 1);
    expect(clientErrors.map((e) => (e as { code?: string }).code)).toEqual([
      'ERR_TLS_HANDSHAKE_TIMEOUT',
    ]);
  });

  it('serves a good node:tls client while 50 bad clients attack at once', async () => {
    const { port } = await ourServer({ handshakeTimeout: 2_000 });
    const bad = Array.from({ length: 50 }, (_, i) =>
      attack(port, [i % 2 ? clientHello.subarray(0, 60) : record(23, new Uint8Array(8))], {
        fin: i % 3 === 0,
        waitMs: 4_000,
      }),
    );
    await goodClientWorks(port);
    // Every bad client is closed: at once for a bad record, by handshakeTimeout otherwise.
    expect((await Promise.all(bad)).map((r) => r.ended)).toEqual(Array(50).fill('close'));
  });

  it('survives fast-check mutations of a real ClientHello and keeps serving', async () => {
    const { port, clientErrors } = await ourServer({ handshakeTimeout: 500 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(clientHello.length - 1), value: fc.nat(255) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(clientHello.length),
        async (flips, cut) => {
          const mutated = clientHello.slice(0, Math.max(cut, 6));
          for (const { at, value } of flips) if (at < mutated.length) mutated[at] = value;
          const before = clientErrors.length;
          const { reply, ended } = await attack(port, [mutated], { fin: true, waitMs: 1_000 });
          // We sent FIN: the server must close, whatever the mutation did (no hang).
          expect(ended).toBe('close');
          // No mutation completes a handshake before our FIN: each must be reported.
          await clientErrorsReach(clientErrors, before + 1);
          expect(clientErrors.length).toBe(before + 1);
          const alert = firstAlert(reply);
          // A surviving mutation may legitimately get a ServerHello; any alert must be fatal.
          if (alert && reply[0] === 21) expect(alert[0]).toBe(2);
        },
      ),
      { numRuns: 15, seed: 8446 },
    );
    for (const error of clientErrors) {
      expect(error).toBeInstanceOf(TlsError);
      expect((error as TlsError).code).toMatch(/^(ERR_[A-Z0-9_]+|ECONNRESET)$/);
    }
    await goodClientWorks(port);
  }, 9_500);
});
