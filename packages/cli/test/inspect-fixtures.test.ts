/**
 * `tlskit inspect` on the ClientHellos and server flights captured from real peers. Expected
 * values come from the peers themselves (their cipher lists, the SNI and ALPN they were told
 * to send, the certificate openssl made) and from the RFCs, never from tlskit's own output.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CIPHERS } from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  extension,
  firstMessage,
  fixtureBytes,
  fixturePath,
  inspectJson,
  type JsonCode,
  opensslCipherCodes,
  runInProcess,
} from './helpers.js';

const opensslVersion = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const hasOpenssl = opensslVersion.status === 0;
// Default cipher lists change between OpenSSL releases; the fixtures were captured with 3.0.19
// (see the fixtures README), so its lists are only comparable with the same release.
const sameOpenssl = hasOpenssl && opensslVersion.stdout.startsWith('OpenSSL 3.0.19 ');
const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8' });

const clientHellos = [
  'openssl-s_client.hex',
  'openssl-s_client-tls12.hex',
  'gnutls-cli.hex',
  'node-tls.hex',
  'chromium.hex',
];

// RFC 8446 section 4.2 code points, written out so the tests do not borrow the registry.
const SERVER_NAME = 0;
const ALPN = 16;
const SUPPORTED_VERSIONS = 43;
const KEY_SHARE = 51;
const SCSV = 0x00ff; // RFC 5746 section 3.3
const codesOf = (list: unknown): number[] => (list as JsonCode[]).map((c) => c.code);

describe('inspect on captured ClientHellos', () => {
  for (const name of clientHellos) {
    it(`prints the ${name} ClientHello with the SNI it was told to send`, async () => {
      const text = await runInProcess(['inspect', fixturePath(name)]);
      expect(text.status).toBe(0);
      expect(text.stderr).toBe('');
      expect(text.stdout).toContain('msg_type: client_hello (0x01)');
      expect(text.stdout).toContain('host_name: tlskit.test');

      const json = await inspectJson(fixturePath(name));
      expect(json.records).toHaveLength(1);
      const record = json.records[0]!;
      expect(record.type).toEqual({ code: 22, name: 'handshake' });
      // The record length field is the file minus the 5-byte header.
      expect(record.length).toBe(fixtureBytes(name).length - 5);
      const hello = firstMessage(json);
      expect(hello.msg_type).toEqual({ code: 1, name: 'client_hello' });
      expect(hello.length).toBe(fixtureBytes(name).length - 9);
      expect(hello.random).toMatch(/^[0-9a-f]{64}$/);
      expect(extension(hello, SERVER_NAME).server_name_list).toEqual([
        { name_type: 'host_name', host_name: 'tlskit.test' },
      ]);
    });
  }

  it.skipIf(!sameOpenssl)('lists the cipher suites openssl s_client offers, in order', async () => {
    const hello = firstMessage(await inspectJson(fixturePath('openssl-s_client.hex')));
    const offered = opensslCipherCodes(openssl('ciphers', '-V', '-s'));
    expect(offered.slice(0, 3)).toEqual(
      opensslCipherCodes(openssl('ciphers', '-V', '-s', '-tls1_3')),
    );
    expect(codesOf(hello.cipher_suites)).toEqual([...offered, SCSV]);
    expect((hello.cipher_suites as JsonCode[])[0]).toEqual({
      code: 0x1302,
      name: 'TLS_AES_256_GCM_SHA384',
    });
    expect(codesOf(extension(hello, SUPPORTED_VERSIONS).versions)).toEqual([
      0x0304, 0x0303, 0x0302, 0x0301,
    ]);
    const shares = extension(hello, KEY_SHARE).client_shares as {
      group: JsonCode;
      key_exchange: string;
    }[];
    expect(shares.map((s) => s.group)).toEqual([{ code: 0x1d, name: 'x25519' }]);
    // RFC 7748: an X25519 public key is 32 bytes.
    expect(shares[0]!.key_exchange).toHaveLength(64);
  });

  it.skipIf(!sameOpenssl)(
    'shows a TLS 1.2-only openssl ClientHello without 1.3 extensions',
    async () => {
      const hello = firstMessage(await inspectJson(fixturePath('openssl-s_client-tls12.hex')));
      const offered = opensslCipherCodes(openssl('ciphers', '-V', '-s', '-tls1_2'));
      expect(codesOf(hello.cipher_suites)).toEqual([...offered, SCSV]);
      const types = hello.extensions!.map((e) => e.extension_type.code);
      expect(types).not.toContain(SUPPORTED_VERSIONS);
      expect(types).not.toContain(KEY_SHARE);
      expect(hello.legacy_version).toEqual({ code: 0x0303, name: 'TLSv1_2' });
    },
  );

  it('shows the ALPN ids and the default cipher list of node:tls', async () => {
    const hello = firstMessage(await inspectJson(fixturePath('node-tls.hex')));
    expect(extension(hello, ALPN).protocol_name_list).toEqual(['h2', 'http/1.1']);
    const suites = codesOf(hello.cipher_suites);
    expect(suites.at(-1)).toBe(SCSV);
    expect(suites.slice(0, 3)).toEqual([0x1302, 0x1303, 0x1301]);
    if (sameOpenssl) {
      // Node's DEFAULT_CIPHERS is an OpenSSL cipher string; openssl expands it the same way.
      const defaults = opensslCipherCodes(openssl('ciphers', '-V', '-s', DEFAULT_CIPHERS));
      expect(suites).toEqual([...defaults, SCSV]);
    }
  });

  it('shows the ALPN id and record_size_limit of gnutls-cli', async () => {
    const hello = firstMessage(await inspectJson(fixturePath('gnutls-cli.hex')));
    expect(extension(hello, ALPN).protocol_name_list).toEqual(['http/1.1']);
    expect(codesOf(extension(hello, SUPPORTED_VERSIONS).versions)).toContain(0x0304);
    // RFC 8449: record_size_limit (28); GnuTLS offers it by default.
    expect(extension(hello, 28).extension_type).toEqual({ code: 28, name: 'record_size_limit' });
  });

  it('shows Chromium GREASE, the X25519MLKEM768 share and ECH by name', async () => {
    const hello = firstMessage(await inspectJson(fixturePath('chromium.hex')));
    const suites = hello.cipher_suites as JsonCode[];
    // RFC 8701: Chromium puts a GREASE suite (0x?a?a) first.
    expect(suites[0]!.name).toBe('GREASE');
    expect(suites[0]!.code & 0x0f0f).toBe(0x0a0a);
    const shares = extension(hello, KEY_SHARE).client_shares as {
      group: JsonCode;
      key_exchange: string;
    }[];
    const hybrid = shares.find((s) => s.group.code === 0x11ec);
    expect(hybrid?.group.name).toBe('X25519MLKEM768');
    // draft-ietf-tls-ecdhe-mlkem: ML-KEM-768 encapsulation key (1184) then X25519 key (32).
    expect(hybrid!.key_exchange).toHaveLength(2 * (1184 + 32));
    expect(extension(hello, 0xfe0d).extension_type.name).toBe('encrypted_client_hello');
    expect(extension(hello, ALPN).protocol_name_list).toEqual(['h2', 'http/1.1']);
    const text = await runInProcess(['inspect', fixturePath('chromium.hex')]);
    expect(text.stdout).toMatch(/extension_type: GREASE \(0x[0-9a-f]a[0-9a-f]a\)/);
  });

  it('reads raw bytes exactly as it reads the same bytes in hex', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlskit-cli-'));
    const raw = join(dir, 'gnutls.bin');
    writeFileSync(raw, fixtureBytes('gnutls-cli.hex'));
    const fromRaw = await runInProcess(['inspect', raw]);
    const fromHex = await runInProcess(['inspect', fixturePath('gnutls-cli.hex')]);
    expect(fromRaw.status).toBe(0);
    expect(fromRaw.stdout).toBe(fromHex.stdout);
  });

  it('reassembles a ClientHello split over two records (RFC 8446 section 5.1)', async () => {
    const whole = fixtureBytes('openssl-s_client.hex');
    const body = whole.subarray(5);
    const cut = 100;
    const header = (length: number): Buffer => Buffer.from([22, 3, 1, length >> 8, length & 0xff]);
    const split = Buffer.concat([
      header(cut),
      body.subarray(0, cut),
      header(body.length - cut),
      body.subarray(cut),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'tlskit-cli-'));
    const file = join(dir, 'split.bin');
    writeFileSync(file, split);
    const json = await inspectJson(file);
    expect(json.records.map((r) => r.messages?.length)).toEqual([0, 1]);
    // The first record holds only the first 100 bytes of the message.
    expect(json.records[0]!.continued_in_next_record).toBe(cut);
    expect(json.records[1]!.continued_in_next_record).toBeUndefined();
    const original = firstMessage(await inspectJson(fixturePath('openssl-s_client.hex')));
    expect(json.records[1]!.messages![0]).toEqual(original);
  });
});

describe('inspect reassembly', () => {
  it('reassembles a ClientHello sent one byte per record, header included', async () => {
    const body = fixtureBytes('gnutls-cli.hex').subarray(5);
    const records = [...body].map((byte) => Buffer.from([22, 3, 1, 0, 1, byte]));
    const dir = mkdtempSync(join(tmpdir(), 'tlskit-cli-'));
    const file = join(dir, 'bytewise.bin');
    writeFileSync(file, Buffer.concat(records));
    const json = await inspectJson(file);
    expect(json.records).toHaveLength(body.length);
    expect(json.records.slice(0, -1).every((r) => r.messages?.length === 0)).toBe(true);
    expect(json.records.at(-2)!.continued_in_next_record).toBe(body.length - 1);
    const original = firstMessage(await inspectJson(fixturePath('gnutls-cli.hex')));
    expect(json.records.at(-1)!.messages).toEqual([original]);
  });
});

describe('inspect on captured openssl s_server flights', () => {
  it('shows a TLS 1.3 ServerHello that echoes the session id and a compatibility CCS', async () => {
    const json = await inspectJson(fixturePath('openssl-s_server-tls13-flight.hex'));
    expect(json.records.map((r) => r.type.name)).toEqual(['handshake', 'change_cipher_spec']);
    const hello = firstMessage(json);
    expect(hello.msg_type).toEqual({ code: 2, name: 'server_hello' });
    expect(extension(hello, SUPPORTED_VERSIONS).selected_version).toEqual({
      code: 0x0304,
      name: 'TLSv1_3',
    });
    // RFC 8446 section 4.1.3: legacy_session_id_echo is the client's legacy_session_id.
    const client = firstMessage(await inspectJson(fixturePath('openssl-s_client.hex')));
    expect(hello.legacy_session_id_echo).toBe(client.legacy_session_id);
    // The server picked one of the suites and the key share group the client offered.
    expect(codesOf(client.cipher_suites)).toContain((hello.cipher_suite as JsonCode).code);
    const share = extension(hello, KEY_SHARE).server_share as { group: JsonCode };
    expect(share.group.name).toBe('x25519');
  });

  it('recognises the HelloRetryRequest s_server sends when it wants another group', async () => {
    const json = await inspectJson(fixturePath('openssl-s_server-hrr.hex'));
    const retry = firstMessage(json);
    expect(retry.msg_type.name).toBe('server_hello');
    // RFC 8446 section 4.1.3: the HelloRetryRequest random is SHA-256("HelloRetryRequest").
    expect(retry.random).toBe(createHash('sha256').update('HelloRetryRequest').digest('hex'));
    expect(retry.hello_retry_request).toBe(true);
    // The HelloRetryRequest form of key_share: only the group the server wants (secp384r1).
    expect(extension(retry, KEY_SHARE).selected_group).toEqual({ code: 0x18, name: 'secp384r1' });
    expect(json.records[1]!.type.name).toBe('change_cipher_spec');
  });

  it.skipIf(!hasOpenssl)(
    'shows the TLS 1.2 flight up to ServerHelloDone with its certificate',
    async () => {
      const json = await inspectJson(fixturePath('openssl-s_server-tls12-flight.hex'));
      const messages = json.records.flatMap((r) => r.messages ?? []);
      expect(messages.map((m) => m.msg_type.name)).toEqual([
        'server_hello',
        'certificate',
        'server_key_exchange',
        'server_hello_done',
      ]);
      // RFC 8446 section 4.1.3: a TLS 1.3-capable server negotiating 1.2 sets this sentinel.
      expect(messages[0]!.random).toMatch(/444f574e47524401$/);
      expect(messages[0]!.downgrade_sentinel).toBe('TLS 1.2');
      const [cert] = messages[1]!.certificate_list as string[];
      const subject = execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-subject'], {
        input: Buffer.from(cert!, 'hex'),
        encoding: 'utf8',
      });
      expect(subject).toContain('CN = tlskit.test');
      expect(messages[2]!.namedcurve).toEqual({ code: 0x1d, name: 'x25519' });
    },
  );
});

describe('inspect on a whole recorded TLS 1.2 session', () => {
  it('shows the client stream up to ChangeCipherSpec, then protected records', async () => {
    const client = await inspectJson(fixturePath('openssl-tls12-session-client.hex'));
    expect(client.records.map((r) => r.messages?.[0]?.msg_type.name ?? r.type.name)).toEqual([
      'client_hello',
      'client_key_exchange',
      'change_cipher_spec',
      'handshake',
      'alert',
    ]);
    expect(client.records.slice(3).map((r) => r.opaque)).toEqual(['encrypted', 'encrypted']);
    const server = await inspectJson(fixturePath('openssl-tls12-session-server.hex'));
    const serverKeyExchange = server.records
      .flatMap((r) => r.messages ?? [])
      .find((m) => m.msg_type.name === 'server_key_exchange');
    // RFC 8422 section 5.7: the client answers on the server's curve; x25519 keys are 32 bytes.
    expect(serverKeyExchange?.namedcurve).toEqual({ code: 0x1d, name: 'x25519' });
    expect(client.records[1]!.messages![0]!.ecdh_Yc).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows the RFC 5077 NewSessionTicket and the protected Finished of the server', async () => {
    const server = await inspectJson(fixturePath('openssl-tls12-session-server.hex'));
    const names = server.records.map((r) => r.messages?.[0]?.msg_type.name ?? r.type.name);
    expect(names).toEqual([
      'server_hello',
      'certificate',
      'server_key_exchange',
      'server_hello_done',
      'new_session_ticket',
      'change_cipher_spec',
      'handshake',
      'alert',
    ]);
    const ticket = server.records[4]!.messages![0]!;
    expect(ticket.ticket_lifetime_hint).toBeGreaterThan(0);
    expect((ticket.ticket as string).length).toBeGreaterThan(0);
    const hello = server.records[0]!.messages![0]!;
    expect(hello.cipher_suite).toEqual({
      code: 0xc02c,
      name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    });
    // RFC 5288 section 3: an AES-GCM record is an 8-byte explicit nonce, the ciphertext, and a
    // 16-byte tag; Finished is 4 + 12 bytes (RFC 5246 section 7.4.9), so 40 bytes in all.
    expect(server.records[6]).toMatchObject({ opaque: 'encrypted', length: 8 + 16 + 16 });
  });
});
