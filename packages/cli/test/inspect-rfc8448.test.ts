/**
 * `tlskit inspect` on the RFC 8448 example handshakes (vectors/rfc8448). The expected
 * values are the ones RFC 8448 prints for each message.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extension, firstMessage, inspectJson, type JsonCode } from './helpers.js';

const vectors = new URL('../../../vectors/rfc8448/transcripts.vec', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'tlskit-cli-rfc8448-'));

/** `[Section]` then `Key = hex` lines, as in the vectors file. */
function section(name: string): Map<string, string> {
  const values = new Map<string, string>();
  let current = '';
  for (const line of readFileSync(vectors, 'utf8').split('\n')) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) current = header[1]!;
    const entry = /^(\w+) = ([0-9a-fA-F]+)$/.exec(line.trim());
    if (entry && current === name) values.set(entry[1]!, entry[2]!);
  }
  return values;
}

function hexFile(name: string, hex: string): string {
  const path = join(dir, name);
  writeFileSync(path, hex);
  return path;
}

/** Wraps handshake messages in one plaintext handshake record, as after decryption. */
function handshakeRecord(messagesHex: string): string {
  const length = messagesHex.length / 2;
  return `160303${length.toString(16).padStart(4, '0')}${messagesHex}`;
}

const simple = section('Simple_1RTT_Handshake');
const resumed = section('Resumed_0RTT_Handshake');

describe('inspect on RFC 8448', () => {
  it('shows the section 3 ClientHello as the RFC lists it', async () => {
    const hello = firstMessage(
      await inspectJson(hexFile('ch.hex', simple.get('Record_ClientHello_1')!)),
    );
    expect(extension(hello, 0).server_name_list).toEqual([
      { name_type: 'host_name', host_name: 'server' },
    ]);
    expect((hello.cipher_suites as JsonCode[]).map((c) => c.code)).toEqual([
      0x1301, 0x1303, 0x1302,
    ]);
    expect(extension(hello, 28).record_size_limit).toBe(0x4001);
    expect(extension(hello, 45).ke_modes).toEqual([{ code: 1, name: 'psk_dhe_ke' }]);
  });

  it('shows the section 3 server flight once decrypted', async () => {
    const flight = ['EncryptedExtensions', 'Server_Certificate', 'Server_CertificateVerify']
      .concat('Server_Finished')
      .map((name) => simple.get(`Message_${name}`)!)
      .join('');
    const json = await inspectJson(
      hexFile('flight.hex', handshakeRecord(flight)),
      '--protocol',
      'tls13',
    );
    const [ee, certificate, verify, finished] = json.records[0]!.messages!;
    expect(ee!.msg_type.name).toBe('encrypted_extensions');
    expect((extension(ee!, 10).named_group_list as JsonCode[]).map((g) => g.name)).toEqual([
      'x25519',
      'secp256r1',
      'secp384r1',
      'secp521r1',
      'ffdhe2048',
      'ffdhe3072',
      'ffdhe4096',
      'ffdhe6144',
      'ffdhe8192',
    ]);
    expect(extension(ee!, 0).server_name_list).toEqual([]);
    const entries = certificate!.certificate_list as { cert_data: string; extensions: unknown[] }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]!.extensions).toEqual([]);
    expect(certificate!.certificate_request_context).toBe('');
    expect(verify!.algorithm).toEqual({ code: 0x0804, name: 'rsa_pss_rsae_sha256' });
    // RFC 8448's server key is RSA-1024, so the signature is 128 bytes.
    expect(verify!.signature).toHaveLength(2 * 128);
    expect(finished!.verify_data).toHaveLength(2 * 32);
  });

  it('shows the section 4 resumption ClientHello with its PSK identity and binder', async () => {
    const hello = firstMessage(
      await inspectJson(hexFile('resumed.hex', resumed.get('Record_ClientHello_1')!)),
    );
    const psk = hello.extensions!.at(-1)!;
    expect(psk.extension_type).toEqual({ code: 41, name: 'pre_shared_key' });
    const identities = psk.identities as { identity: string; obfuscated_ticket_age: number }[];
    expect(identities).toHaveLength(1);
    // RFC 8448 section 4: the identity is the ticket from section 3's NewSessionTicket.
    expect(simple.get('SessionTicket')!.toLowerCase()).toContain(identities[0]!.identity);
    // RFC 8448 section 4 prints the age as the bytes fa d6 aa cb, then the binder 3a dd 4f ...
    expect(identities[0]!.obfuscated_ticket_age).toBe(0xfad6aacb);
    expect((psk.binders as string[])[0]).toMatch(/^3add4f/);
    expect(psk.binders as string[]).toHaveLength(1);
    expect((psk.binders as string[])[0]).toHaveLength(2 * 32);
    expect(extension(hello, 42).extension_type.name).toBe('early_data');
  });
});
