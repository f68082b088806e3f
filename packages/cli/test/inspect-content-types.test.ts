/**
 * Records other than handshake: alerts, ChangeCipherSpec, and bytes that need keys to read.
 * Expected code points are the RFC's numbers (RFC 8446 section 5.1 ContentType, section 6
 * AlertDescription).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureBytes, fixturePath, inspectJson, runInProcess } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tlskit-cli-content-'));

function hexFile(name: string, hex: string): string {
  const path = join(dir, name);
  writeFileSync(path, hex);
  return path;
}

describe('inspect on non-handshake records', () => {
  it('shows the protocol_version alert a TLS 1.3-only openssl s_server sent', async () => {
    const json = await inspectJson(fixturePath('openssl-s_server-alert.hex'));
    expect(json.records).toHaveLength(1);
    expect(json.records[0]!.type).toEqual({ code: 21, name: 'alert' });
    expect(json.records[0]!.alert).toEqual({
      level: { code: 2, name: 'fatal' },
      description: { code: 70, name: 'protocol_version' },
    });
    const text = await runInProcess(['inspect', fixturePath('openssl-s_server-alert.hex')]);
    expect(text.stdout).toContain('description: protocol_version (0x46)');
  });

  it('decodes a TLS 1.2 CertificateStatus (RFC 6066 8): status_type and the OCSP response', async () => {
    // handshake record: msg_type 22, length 6, status_type ocsp(1), OCSPResponse<1..2^24-1>.
    const json = await inspectJson(
      hexFile('status.hex', '16 0303 000a 16 000006 01 000002 3003'),
      '--protocol',
      'tls12',
    );
    expect(json.records[0]!.messages?.[0]).toMatchObject({
      msg_type: { code: 22, name: 'certificate_status' },
      status_type: 1,
      response: '3003',
    });
  });

  it('shows application_data as opaque bytes', async () => {
    const json = await inspectJson(hexFile('appdata.hex', '17 0303 0004 deadbeef'));
    expect(json.records[0]).toMatchObject({
      type: { code: 23, name: 'application_data' },
      opaque: 'application_data',
      fragment: 'deadbeef',
    });
  });

  it('treats TLS 1.2 records after ChangeCipherSpec as encrypted (RFC 5246 section 7.1)', async () => {
    // The captured TLS 1.2 ServerHello fixes the version; then CCS and a protected Finished.
    const serverHello = fixtureBytes('openssl-s_server-tls12-flight.hex').subarray(0, 5 + 65);
    const path = join(dir, 'tls12-finished.bin');
    writeFileSync(
      path,
      Buffer.concat([serverHello, Buffer.from(`140303000101160303000a${'00'.repeat(10)}`, 'hex')]),
    );
    const json = await inspectJson(path);
    expect(json.records.map((r) => r.type.name)).toEqual([
      'handshake',
      'change_cipher_spec',
      'handshake',
    ]);
    expect(json.records[2]).toMatchObject({ opaque: 'encrypted', length: 10 });
  });

  it('keeps decoding handshake records after a TLS 1.3 compatibility ChangeCipherSpec', async () => {
    // RFC 8446 D.4: a client may send CCS before its second ClientHello; that is not encryption.
    const hello = fixtureBytes('openssl-s_client.hex');
    const path = join(dir, 'tls13-ccs.bin');
    writeFileSync(path, Buffer.concat([hello, Buffer.from('140303000101', 'hex'), hello]));
    const json = await inspectJson(path);
    expect(json.records.map((r) => r.messages?.[0]?.msg_type.name)).toEqual([
      'client_hello',
      undefined,
      'client_hello',
    ]);
  });

  it('decodes a TLS 1.2 Certificate when told --protocol tls12 on a flight without hellos', async () => {
    const flight = fixtureBytes('openssl-s_server-tls12-flight.hex');
    const path = join(dir, 'certificate-only.bin');
    writeFileSync(path, flight.subarray(5 + 65, 5 + 65 + 5 + 423));
    const json = await inspectJson(path, '--protocol', 'tls12');
    const certificate = json.records[0]!.messages![0]!;
    expect(certificate.msg_type.name).toBe('certificate');
    expect(certificate.certificate_list).toHaveLength(1);
    // Read with the TLS 1.3 layout the same bytes do not parse.
    const as13 = await runInProcess(['inspect', '--protocol', 'tls13', path]);
    expect(as13.status).toBe(1);
    expect(as13.stderr).toMatch(/^tlskit inspect: ERR_DECODE: /);
  });

  it('rejects an alert record inside a fragmented handshake message', async () => {
    const path = hexFile('interleaved.hex', '16 0303 0002 0100 15 0303 0002 0246');
    const run = await runInProcess(['inspect', path]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^tlskit inspect: ERR_UNEXPECTED_MESSAGE: record 2 at byte 7: /);
  });
});
