/**
 * The RFC 8448 example handshakes from vectors/rfc8448/transcripts.vec, with every
 * traffic key and IV derived here from the trace's own random values, independently of tlskit:
 * node:crypto does the key exchange, hashing, HKDF (RFC 8446 section 7.1) and the AEAD that
 * decrypts the flights whose messages feed the transcript. The record layer is then tested
 * against these keys and the recorded bytes.
 */
import {
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
} from 'node:crypto';
import { readFileSync } from 'node:fs';

import type { AeadName, TrafficKey } from './node-records.js';

export type { AeadName, TrafficKey };

export interface Trace {
  readonly name: string;
  readonly values: ReadonlyMap<string, Uint8Array>;
  readonly aead: AeadName;
  readonly clientEarly?: TrafficKey;
  readonly clientHandshake: TrafficKey;
  readonly serverHandshake: TrafficKey;
  readonly clientApplication: TrafficKey;
  readonly serverApplication: TrafficKey;
  /** Plaintext handshake messages of the server's encrypted flight, in order. */
  readonly serverFlight: readonly Uint8Array[];
  /** Plaintext handshake messages of the client's encrypted flight(s), in order. */
  readonly clientFlight: readonly Uint8Array[];
  /** The bytes that should be there; throws when the trace lacks it. */
  get(name: string): Uint8Array;
}

const vectorFile = new URL('../../../vectors/rfc8448/transcripts.vec', import.meta.url);

function hexBytes(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** The sections of transcripts.vec as name -> (key -> bytes), in file order. */
export function loadSections(): Map<string, Map<string, Uint8Array>> {
  const sections = new Map<string, Map<string, Uint8Array>>();
  let current: Map<string, Uint8Array> | undefined;
  for (const line of readFileSync(vectorFile, 'utf8').split('\n')) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const kv = /^(\w+)\s*=\s*([0-9a-fA-F]*)$/.exec(line.trim());
    if (kv && current) current.set(kv[1]!, hexBytes(kv[2]!));
  }
  return sections;
}

type HashName = 'sha256' | 'sha384';

function hash(name: HashName, data: Uint8Array): Uint8Array {
  return createHash(name).update(data).digest();
}

function hmac(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return createHmac(name, key).update(data).digest();
}

function hkdfExpand(name: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out: Uint8Array[] = [];
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, have = 0; have < length; i++) {
    t = hmac(name, prk, concat(t, info, Uint8Array.of(i)));
    out.push(t);
    have += t.length;
  }
  return concat(...out).subarray(0, length);
}

/** RFC 8446 section 7.1 HKDF-Expand-Label. */
export function hkdfExpandLabel(
  name: HashName,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const full = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = concat(
    Uint8Array.of(length >> 8, length & 0xff, full.length),
    full,
    Uint8Array.of(context.length),
    context,
  );
  return hkdfExpand(name, secret, info, length);
}

interface Suite {
  readonly aead: AeadName;
  readonly hash: HashName;
  readonly keyLength: number;
  readonly nodeCipher: string;
}

const suites: Record<number, Suite> = {
  4865: { aead: 'AES-128-GCM', hash: 'sha256', keyLength: 16, nodeCipher: 'aes-128-gcm' },
  4866: { aead: 'AES-256-GCM', hash: 'sha384', keyLength: 32, nodeCipher: 'aes-256-gcm' },
  4867: {
    aead: 'CHACHA20-POLY1305',
    hash: 'sha256',
    keyLength: 32,
    nodeCipher: 'chacha20-poly1305',
  },
};

/** Handshake messages of a run of plaintext records (header-stripped, then split by length). */
function plaintextMessages(records: Uint8Array): Uint8Array[] {
  const body: Uint8Array[] = [];
  for (let at = 0; at < records.length; ) {
    const length = (records[at + 3]! << 8) | records[at + 4]!;
    if (records[at] === 22) body.push(records.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return splitMessages(concat(...body));
}

function splitMessages(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; ) {
    const length = (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
    out.push(data.subarray(at, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

/** Extensions of a ClientHello or ServerHello as type -> data. */
function helloExtensions(message: Uint8Array): Map<number, Uint8Array> {
  let at = 4 + 2 + 32;
  at += 1 + message[at]!; // legacy_session_id
  if (message[0] === 1) {
    at += 2 + ((message[at]! << 8) | message[at + 1]!); // cipher_suites
    at += 1 + message[at]!; // compression methods
  } else {
    at += 2 + 1; // cipher_suite, compression method
  }
  const end = at + 2 + ((message[at]! << 8) | message[at + 1]!);
  at += 2;
  const out = new Map<number, Uint8Array>();
  while (at < end) {
    const type = (message[at]! << 8) | message[at + 1]!;
    const length = (message[at + 2]! << 8) | message[at + 3]!;
    out.set(type, message.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

function serverHelloSuite(message: Uint8Array): number {
  const at = 4 + 2 + 32 + 1 + message[4 + 2 + 32]!;
  return (message[at]! << 8) | message[at + 1]!;
}

/** key_share entries of a ClientHello as group -> key_exchange. */
function clientKeyShares(clientHello: Uint8Array): Map<number, Uint8Array> {
  const data = helloExtensions(clientHello).get(51) ?? new Uint8Array(0);
  const out = new Map<number, Uint8Array>();
  for (let at = 2; at < data.length; ) {
    const group = (data[at]! << 8) | data[at + 1]!;
    const length = (data[at + 2]! << 8) | data[at + 3]!;
    out.set(group, data.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

const x25519Pkcs8Prefix = hexBytes('302e020100300506032b656e04220420');
const x25519SpkiPrefix = hexBytes('302a300506032b656e032100');

/** The ECDHE shared secret, using whichever 32-byte window of the client RNG pool is its key. */
function sharedSecret(
  pool: Uint8Array,
  group: number,
  clientShare: Uint8Array,
  serverShare: Uint8Array,
): Uint8Array {
  for (let at = 0; at + 32 <= pool.length; at += 32) {
    const scalar = pool.subarray(at, at + 32);
    if (group === 0x001d) {
      const privateKey = createPrivateKey({
        key: Buffer.from(concat(x25519Pkcs8Prefix, scalar)),
        format: 'der',
        type: 'pkcs8',
      });
      const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
      if (!Buffer.from(publicKey.subarray(-32)).equals(clientShare)) continue;
      const peer = createPublicKey({
        key: Buffer.from(concat(x25519SpkiPrefix, serverShare)),
        format: 'der',
        type: 'spki',
      });
      return diffieHellman({ privateKey, publicKey: peer });
    }
    if (group === 0x0017) {
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(scalar);
      if (!ecdh.getPublicKey().equals(clientShare)) continue;
      return ecdh.computeSecret(serverShare);
    }
  }
  throw new Error(`no client key for group ${group} in the RNG pool`);
}

/**
 * A quirk of the vector file: in the 0-RTT trace the encrypted server flight is the one Botan's
 * server produced (EncryptedExtensions without server_name, so a different Finished), while the
 * application data records are the RFC's own, keyed from the RFC's transcript. The RFC's
 * EncryptedExtensions (RFC 8448 section 4, 44 bytes) is not in the file, so it is spelled out here;
 * the RFC's server Finished is the file's Message_Server_Finished.
 */
function rfcResumedServerFlight(values: ReadonlyMap<string, Uint8Array>): Uint8Array[] {
  const encryptedExtensions = hexBytes(
    '080000280026000a00140012001d00170018001901000101010201030104001c0002400100000000002a0000',
  );
  return [encryptedExtensions, values.get('Message_Server_Finished')!];
}

function trafficKey(suite: Suite, secret: Uint8Array): TrafficKey {
  return {
    key: hkdfExpandLabel(suite.hash, secret, 'key', new Uint8Array(0), suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, 'iv', new Uint8Array(0), 12),
  };
}

/** Decrypts TLS 1.3 records with node:crypto; returns the handshake messages they carry. */
function decryptFlight(
  suite: Suite,
  key: TrafficKey,
  records: Uint8Array,
  firstSeq = 0,
): Uint8Array[] {
  const body: Uint8Array[] = [];
  let seq = firstSeq;
  for (let at = 0; at < records.length; ) {
    const length = (records[at + 3]! << 8) | records[at + 4]!;
    const header = records.subarray(at, at + 5);
    const payload = records.subarray(at + 5, at + 5 + length);
    at += 5 + length;
    if (header[0] !== 23) continue; // compatibility ChangeCipherSpec
    const nonce = Uint8Array.from(key.iv);
    for (let i = 0; i < 8; i++)
      nonce[4 + i]! ^= Number((BigInt(seq) >> BigInt(8 * (7 - i))) & 0xffn);
    seq++;
    const decipher = createDecipheriv(suite.nodeCipher as 'aes-128-gcm', key.key, nonce, {
      authTagLength: 16,
    });
    decipher.setAAD(header);
    decipher.setAuthTag(payload.subarray(-16));
    const inner = concat(decipher.update(payload.subarray(0, -16)), decipher.final());
    let end = inner.length - 1;
    while (inner[end] === 0) end--;
    if (inner[end] === 22) body.push(inner.subarray(0, end));
  }
  return splitMessages(concat(...body));
}

function deriveTrace(
  name: string,
  values: Map<string, Uint8Array>,
  psk: Uint8Array | undefined,
): Trace & { resumptionPsk?: Uint8Array } {
  const get = (key: string): Uint8Array => {
    const value = values.get(key);
    if (!value) throw new Error(`${name}: no ${key}`);
    return value;
  };
  const serverHello = get('Message_ServerHello');
  const suite = suites[serverHelloSuite(serverHello)];
  if (!suite) throw new Error(`${name}: unknown cipher suite`);
  const H = suite.hash;
  const hashLength = H === 'sha256' ? 32 : 48;
  const zeros = new Uint8Array(hashLength);
  const extract = (salt: Uint8Array, ikm: Uint8Array) => hmac(H, salt, ikm);
  const deriveSecret = (secret: Uint8Array, label: string, messages: readonly Uint8Array[]) =>
    hkdfExpandLabel(H, secret, label, hash(H, concat(...messages)), hashLength);

  const clientHello1 = plaintextMessages(get('Record_ClientHello_1'))[0]!;
  const transcript: Uint8Array[] = [];
  let clientHello = clientHello1;
  const retry = values.get('Record_HelloRetryRequest');
  if (retry) {
    // RFC 8446 section 4.4.1: ClientHello1 is replaced by message_hash.
    const digest = hash(H, clientHello1);
    transcript.push(concat(Uint8Array.of(254, 0, 0, digest.length), digest));
    transcript.push(plaintextMessages(retry)[0]!);
    clientHello = plaintextMessages(get('Record_ClientHello_2'))[0]!;
  }
  transcript.push(clientHello);

  const early = extract(zeros, psk ?? zeros);
  const clientEarly = psk
    ? trafficKey(suite, deriveSecret(early, 'c e traffic', [clientHello]))
    : undefined;
  transcript.push(serverHello);

  const shareExt = helloExtensions(serverHello).get(51)!;
  const group = (shareExt[0]! << 8) | shareExt[1]!;
  const serverShare = shareExt.subarray(4);
  const clientShare = clientKeyShares(clientHello).get(group)!;
  const ecdhe = sharedSecret(get('Client_RNG_Pool'), group, clientShare, serverShare);

  const handshakeSecret = extract(deriveSecret(early, 'derived', []), ecdhe);
  const clientHandshakeSecret = deriveSecret(handshakeSecret, 'c hs traffic', transcript);
  const serverHandshakeSecret = deriveSecret(handshakeSecret, 's hs traffic', transcript);
  const serverHandshake = trafficKey(suite, serverHandshakeSecret);
  const clientHandshake = trafficKey(suite, clientHandshakeSecret);

  const serverFlight = decryptFlight(suite, serverHandshake, get('Record_ServerHandshakeMessages'));
  transcript.push(...(name.startsWith('Resumed') ? rfcResumedServerFlight(values) : serverFlight));
  const master = extract(deriveSecret(handshakeSecret, 'derived', []), zeros);
  const clientApplication = trafficKey(suite, deriveSecret(master, 'c ap traffic', transcript));
  const serverApplication = trafficKey(suite, deriveSecret(master, 's ap traffic', transcript));

  // The client's flight: EndOfEarlyData under the early key (0-RTT), then the rest.
  const clientRecords = get('Record_ClientFinished');
  const clientFlight: Uint8Array[] = [];
  let rest = clientRecords;
  if (clientEarly && values.has('Record_Client_EarlyAppData')) {
    const firstSeq = 1;
    const length = (clientRecords[3]! << 8) | clientRecords[4]!;
    clientFlight.push(
      ...decryptFlight(suite, clientEarly, clientRecords.subarray(0, 5 + length), firstSeq),
    );
    rest = clientRecords.subarray(5 + length);
  }
  clientFlight.push(...decryptFlight(suite, clientHandshake, rest));
  transcript.push(...clientFlight);

  let resumptionPsk: Uint8Array | undefined;
  const ticketRecord = values.get('Record_NewSessionTicket');
  if (ticketRecord) {
    const ticket = decryptFlight(suite, serverApplication, ticketRecord)[0]!;
    const nonceLength = ticket[4 + 8]!;
    const nonce = ticket.subarray(4 + 9, 4 + 9 + nonceLength);
    const resumptionMaster = deriveSecret(master, 'res master', transcript);
    resumptionPsk = hkdfExpandLabel(H, resumptionMaster, 'resumption', nonce, hashLength);
  }

  return {
    name,
    values,
    aead: suite.aead,
    ...(clientEarly ? { clientEarly } : {}),
    clientHandshake,
    serverHandshake,
    clientApplication,
    serverApplication,
    serverFlight,
    clientFlight,
    get,
    ...(resumptionPsk ? { resumptionPsk } : {}),
  };
}

/** All traces with their derived keys. The 0-RTT trace resumes the first trace's ticket. */
export function loadTraces(): Trace[] {
  const traces: Trace[] = [];
  let resumptionPsk: Uint8Array | undefined;
  for (const [name, values] of loadSections()) {
    let psk: Uint8Array | undefined;
    if (values.has('PskSecret')) psk = values.get('PskSecret');
    else if (name.startsWith('Resumed')) psk = resumptionPsk;
    const trace = deriveTrace(name, values, psk);
    resumptionPsk ??= trace.resumptionPsk;
    traces.push(trace);
  }
  return traces;
}
