/**
 * Replays the RFC 8448 handshakes of vectors/rfc8448/transcripts.vec through the key
 * schedule. The oracle is the recorded traffic: each derived key and IV must open the recorded
 * records (an AEAD tag does not verify under a wrong key or nonce), each Finished and PSK binder
 * must equal the bytes the peers sent, and the ticket PSK must equal the one the recorded client
 * stored. The Simple 1-RTT section is also checked value by value against RFC 8448 section 3.
 */
import { createDecipheriv, type DecipherGCM } from 'node:crypto';
import type { AeadName, HashName, KeyShare } from '@tlskit/crypto';
import { describe, expect, it } from 'vitest';
import {
  BadFinishedError,
  checkFinished,
  EarlySecret,
  exportKeyingMaterial,
  finishedKey,
  finishedVerifyData,
  type PskKind,
  resumptionPsk,
  TranscriptHash,
  trafficKeys,
} from '../src/index.js';
import { type CreateProvider, PROVIDERS } from './providers.js';
import {
  bytesOf,
  type HandshakeMessage,
  h,
  helloExtensions,
  helloSessionId,
  keyShares,
  readVec,
  recordedRandom,
  serverHelloSuite,
  splitHandshake,
  splitRecords,
  type TlsRecord,
  VECTORS_DIR,
  type VecSection,
} from './vectors.js';

const vec = readVec(`${VECTORS_DIR}/rfc8448/transcripts.vec`);

const SUITES: Record<number, { aead: AeadName; hash: HashName }> = {
  4865: { aead: 'AES-128-GCM', hash: 'SHA-256' },
  4866: { aead: 'AES-256-GCM', hash: 'SHA-384' },
  4867: { aead: 'CHACHA20-POLY1305', hash: 'SHA-256' },
};

const HANDSHAKE = 22;
const APPLICATION_DATA = 23;
const ALERT = 21;
const CHANGE_CIPHER_SPEC = 20;
const KEY_SHARE = 0x33;
const PRE_SHARED_KEY = 0x29;
const FINISHED = 20;

/**
 * AEAD open with node:crypto (OpenSSL), independent of the provider under test. Throws when
 * the tag does not verify, i.e. when the key or IV is wrong.
 */
function aeadOpen(
  aead: AeadName,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array {
  const cipher = {
    'AES-128-GCM': 'aes-128-gcm',
    'AES-256-GCM': 'aes-256-gcm',
    'CHACHA20-POLY1305': 'chacha20-poly1305',
  } as const;
  const decipher = createDecipheriv(cipher[aead], key, nonce, {
    authTagLength: 16,
  } as never) as DecipherGCM;
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return new Uint8Array(
    Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]),
  );
}

/** One direction of protected records: opens them in order with keys from a traffic secret. */
class Reader {
  #seq = 0n;
  readonly #keys: { key: Uint8Array; iv: Uint8Array };
  readonly #aead: AeadName;
  constructor(keys: { key: Uint8Array; iv: Uint8Array }, aead: AeadName) {
    this.#keys = keys;
    this.#aead = aead;
  }

  /** Opens one record; returns the content type and content (RFC 8446 5.2, 5.3). */
  open(record: TlsRecord): { type: number; content: Uint8Array } {
    const nonce = this.#keys.iv.slice();
    let seq = this.#seq++;
    for (let i = nonce.length - 1; i >= nonce.length - 8; i--) {
      nonce[i]! ^= Number(seq & 0xffn);
      seq >>= 8n;
    }
    const inner = aeadOpen(this.#aead, this.#keys.key, nonce, record.header, record.fragment);
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    return { type: inner[end]!, content: inner.subarray(0, end) };
  }
}

interface Replayed {
  readonly clientRandom: Uint8Array;
  readonly sharedSecret: Uint8Array;
  readonly values: Record<string, Uint8Array>;
  readonly checks: string[];
}

interface Psk {
  readonly kind: PskKind;
  readonly secret: Uint8Array;
  readonly hash: HashName;
}

/**
 * Drives the key schedule the way a client does, on providers made by `create`, checking every
 * derived value against the recorded traffic of `section`. Returns the secrets for value checks
 * and the list of checks made.
 */
async function replay(
  create: CreateProvider,
  section: VecSection,
  psk?: Psk,
  serverFlightForTranscript?: Uint8Array,
): Promise<Replayed> {
  const values: Record<string, Uint8Array> = {};
  const checks: string[] = [];
  const random = recordedRandom(bytesOf(section, 'Client_RNG_Pool'));
  // Key shares draw from the recorded pool (every provider takes injected randomness for key
  // generation); the key schedule itself uses no randomness.
  const client = create({ randomBytes: random });
  const provider = create();

  const [chRecord] = splitRecords(bytesOf(section, 'Record_ClientHello_1'));
  const ch1 = chRecord!.fragment;
  // The recorded client drew its random, then its legacy_session_id, then its key shares.
  const clientRandom = random(32);
  expect(clientRandom).toEqual(ch1.subarray(6, 38));
  const sessionId = helloSessionId(ch1);
  if (sessionId.length > 0) expect(random(sessionId.length)).toEqual(sessionId);

  const shares = new Map<number, KeyShare>();
  async function generateShares(clientHello: Uint8Array): Promise<void> {
    for (const entry of keyShares(helloExtensions(clientHello).get(KEY_SHARE)!, true)) {
      if (shares.has(entry.group)) continue;
      const share = await client.keyExchange(entry.group)!.generate();
      expect(share.publicKey).toEqual(entry.key);
      shares.set(entry.group, share);
    }
  }
  await generateShares(ch1);

  // Without a PSK the client learns the hash only from the server: the transcript buffers.
  const transcript = new TranscriptHash(provider, psk?.hash);
  let clientHello = ch1;
  const hrrSection = section.get('Record_HelloRetryRequest');
  if (hrrSection !== undefined) {
    const [hrr] = splitRecords(h(hrrSection));
    const [ch2] = splitRecords(bytesOf(section, 'Record_ClientHello_2'));
    transcript.update(ch1);
    transcript.selectHash(SUITES[serverHelloSuite(hrr!.fragment)]!.hash);
    // RFC 8446 4.4.1: ClientHello1 becomes message_hash before the HRR is added.
    transcript.replaceWithMessageHash();
    transcript.update(hrr!.fragment);
    clientHello = ch2!.fragment;
    await generateShares(clientHello);
    checks.push('HelloRetryRequest message_hash');
  }

  const early = EarlySecret.create(provider, psk?.hash ?? 'SHA-256', psk?.secret);
  values.early = early.secret;
  if (psk !== undefined) {
    // RFC 8446 4.2.11.2: the binder covers the ClientHello up to, not including, the binders list.
    const binders = helloExtensions(clientHello).get(PRE_SHARED_KEY)!;
    const identitiesLength = (binders[0]! << 8) | binders[1]!;
    const bindersList = binders.subarray(2 + identitiesLength);
    const sent = bindersList.subarray(3, 3 + bindersList[2]!);
    const truncated = clientHello.subarray(0, clientHello.length - bindersList.length);
    const binderHash = transcript.clone().digestWith(truncated);
    values.binderKey = early.binderKey(psk.kind);
    const binder = early.pskBinder(psk.kind, binderHash);
    expect(binder).toEqual(sent);
    checkFinished('PSK binder', binder, sent);
    checks.push('PSK binder');
  }
  transcript.update(clientHello);

  let earlyReader: Reader | undefined;
  const earlyData = section.get('Record_Client_EarlyAppData');
  if (earlyData !== undefined) {
    const chHash = transcript.digest();
    values.clientEarlyTraffic = early.clientEarlyTrafficSecret(chHash);
    values.earlyExporter = early.earlyExporterMasterSecret(chHash);
    earlyReader = new Reader(
      trafficKeys(provider, 'SHA-256', values.clientEarlyTraffic, 'AES-128-GCM'),
      'AES-128-GCM',
    );
    const [record] = splitRecords(h(earlyData));
    const opened = earlyReader.open(record!);
    expect(opened.type).toBe(APPLICATION_DATA);
    expect(opened.content).toEqual(bytesOf(section, 'Client_EarlyAppData'));
    checks.push('0-RTT data');
  }

  const [shRecord] = splitRecords(bytesOf(section, 'Record_ServerHello'));
  const serverHello = shRecord!.fragment;
  expect(serverHello).toEqual(bytesOf(section, 'Message_ServerHello'));
  const { aead, hash } = SUITES[serverHelloSuite(serverHello)]!;
  transcript.selectHash(hash);
  transcript.update(serverHello);
  const helloHash = transcript.digest();

  const serverShare = helloExtensions(serverHello).get(KEY_SHARE);
  let sharedSecret: Uint8Array = new Uint8Array(0);
  if (serverShare !== undefined) {
    const [entry] = keyShares(serverShare, false);
    sharedSecret = await shares.get(entry!.group)!.complete(entry!.key);
  }
  const handshake = early.deriveHandshakeSecret(
    serverShare === undefined ? undefined : sharedSecret,
  );
  values.handshake = handshake.secret;
  values.clientHandshakeTraffic = handshake.clientHandshakeTrafficSecret(helloHash);
  values.serverHandshakeTraffic = handshake.serverHandshakeTrafficSecret(helloHash);
  const serverHsKeys = trafficKeys(provider, hash, values.serverHandshakeTraffic, aead);
  const clientHsKeys = trafficKeys(provider, hash, values.clientHandshakeTraffic, aead);
  /**
   * Adds one side's messages to the transcript; its Finished must be the HMAC of the transcript
   * so far under that side's handshake traffic secret (RFC 8446 4.4.4).
   */
  function addFlight(messages: readonly HandshakeMessage[], side: 'client' | 'server'): void {
    const baseKey = values[`${side}HandshakeTraffic`]!;
    for (const message of messages) {
      if (message.type === FINISHED) {
        values[`${side}FinishedKey`] = finishedKey(provider, hash, baseKey);
        expect(finishedVerifyData(provider, hash, baseKey, transcript.digest())).toEqual(
          message.body,
        );
        values[`${side}Finished`] = message.bytes;
        checks.push(`${side} Finished`);
      }
      transcript.update(message.bytes);
    }
  }
  values.serverHandshakeKey = serverHsKeys.key;
  values.serverHandshakeIv = serverHsKeys.iv;
  values.clientHandshakeKey = clientHsKeys.key;
  values.clientHandshakeIv = clientHsKeys.iv;

  // The server's encrypted flight: EncryptedExtensions ... Finished.
  const serverReader = new Reader(serverHsKeys, aead);
  const flight: Uint8Array[] = [];
  for (const record of splitRecords(bytesOf(section, 'Record_ServerHandshakeMessages'))) {
    if (record.type === CHANGE_CIPHER_SPEC) continue; // RFC 8446 D.4 compatibility record
    const opened = serverReader.open(record);
    expect(opened.type).toBe(HANDSHAKE);
    flight.push(opened.content);
  }
  checks.push('server handshake records');
  const decrypted = new Uint8Array(Buffer.concat(flight));
  addFlight(splitHandshake(serverFlightForTranscript ?? decrypted), 'server');

  const master = handshake.deriveMasterSecret();
  values.master = master.secret;
  const serverFinishedHash = transcript.digest();
  values.clientApplicationTraffic = master.clientApplicationTrafficSecret(serverFinishedHash);
  values.serverApplicationTraffic = master.serverApplicationTrafficSecret(serverFinishedHash);
  values.exporterMaster = master.exporterMasterSecret(serverFinishedHash);
  const serverApKeys = trafficKeys(provider, hash, values.serverApplicationTraffic, aead);
  const clientApKeys = trafficKeys(provider, hash, values.clientApplicationTraffic, aead);
  values.serverApplicationKey = serverApKeys.key;
  values.serverApplicationIv = serverApKeys.iv;
  values.clientApplicationKey = clientApKeys.key;
  values.clientApplicationIv = clientApKeys.iv;

  // The client's flight: [EndOfEarlyData under the early keys,] [Certificate, CertificateVerify,] Finished.
  const clientReader = new Reader(clientHsKeys, aead);
  for (const record of splitRecords(bytesOf(section, 'Record_ClientFinished'))) {
    if (record.type === CHANGE_CIPHER_SPEC) continue;
    const reader = earlyReader ?? clientReader;
    earlyReader = undefined;
    const opened = reader.open(record);
    expect(opened.type).toBe(HANDSHAKE);
    addFlight(splitHandshake(opened.content), 'client');
  }
  values.resumptionMaster = master.resumptionMasterSecret(transcript.digest());

  // Application data and closure alerts under the application keys.
  const serverApReader = new Reader(serverApKeys, aead);
  const clientApReader = new Reader(clientApKeys, aead);
  const ticketRecord = section.get('Record_NewSessionTicket');
  if (ticketRecord !== undefined) {
    const opened = serverApReader.open(splitRecords(h(ticketRecord))[0]!);
    const [ticket] = splitHandshake(opened.content);
    // NewSessionTicket: ticket_lifetime(4) ticket_age_add(4) ticket_nonce<0..255> ...
    const body = ticket!.body;
    values.ticketNonce = body.subarray(9, 9 + body[8]!);
    values.ticketPsk = resumptionPsk(provider, hash, values.resumptionMaster, values.ticketNonce);
    checks.push('NewSessionTicket record');
  }
  for (const [recordKey, dataKey, reader] of [
    ['Record_Client_AppData', 'Client_AppData', clientApReader],
    ['Record_Server_AppData', 'Server_AppData', serverApReader],
    ['Record_Client_CloseNotify', undefined, clientApReader],
    ['Record_Server_CloseNotify', undefined, serverApReader],
  ] as const) {
    const recorded = section.get(recordKey);
    if (recorded === undefined) continue;
    const opened = reader.open(splitRecords(h(recorded))[0]!);
    if (dataKey === undefined) {
      expect(opened).toEqual({ type: ALERT, content: h('0100') });
    } else {
      expect(opened.type).toBe(APPLICATION_DATA);
      expect(opened.content).toEqual(bytesOf(section, dataKey));
    }
    checks.push(recordKey);
  }
  return { clientRandom, sharedSecret, values, checks };
}

function section(name: string): VecSection {
  const s = vec.get(name);
  if (s === undefined) throw new Error(`no section ${name}`);
  return s;
}

/** RFC 8448 section 3, every intermediate value the RFC prints. */
const RFC8448_SIMPLE: Record<string, string> = {
  sharedSecret: '8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d',
  early: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
  handshake: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
  clientHandshakeTraffic: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
  serverHandshakeTraffic: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
  serverHandshakeKey: '3fce516009c21727d0f2e4e86ee403bc',
  serverHandshakeIv: '5d313eb2671276ee13000b30',
  clientHandshakeKey: 'dbfaa693d1762c5b666af5d950258d01',
  clientHandshakeIv: '5bd3c71b836e0b76bb73265f',
  serverFinishedKey: '008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8',
  clientFinishedKey: 'b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4',
  master: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
  clientApplicationTraffic: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
  serverApplicationTraffic: 'a11af9f05531f856ad47116b45a9503282 04b4f44bfb6b3a4b4f1f3fcb631643',
  exporterMaster: 'fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50',
  serverApplicationKey: '9f02283b6c9c07efc26bb9f2ac92e356',
  serverApplicationIv: 'cf782b88dd83549aadf1e984',
  clientApplicationKey: '17422dda596ed5d9acd890e3c63f5051',
  clientApplicationIv: '5b78923dee08579033e523d9',
  resumptionMaster: '7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c',
};

/** RFC 8448 section 4: the server's EncryptedExtensions (supported_groups, record_size_limit, server_name, early_data). */
const RFC8448_RESUMED_EE =
  '080000280026000a00140012001d00170018001901000101010201030104001c00024001000000000' + '02a0000';

describe.each(PROVIDERS)(
  'RFC 8448 traces replayed through the key schedule (%s provider)',
  (_name, create) => {
    it('derives every secret, key, IV and Finished value of the Simple 1-RTT handshake (RFC 8448 3)', async () => {
      const { sharedSecret, values, checks } = await replay(
        create,
        section('Simple_1RTT_Handshake'),
      );
      expect(sharedSecret).toEqual(h(RFC8448_SIMPLE.sharedSecret!));
      expect(values.serverFinished).toEqual(
        h('140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718'),
      );
      expect(values.clientFinished).toEqual(
        h('14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61'),
      );
      for (const [name, want] of Object.entries(RFC8448_SIMPLE)) {
        if (name === 'sharedSecret') continue;
        expect({ name, value: values[name] }).toEqual({ name, value: h(want) });
      }
      expect(checks).toEqual([
        'server handshake records',
        'server Finished',
        'client Finished',
        'NewSessionTicket record',
        'Record_Client_AppData',
        'Record_Server_AppData',
        'Record_Client_CloseNotify',
        'Record_Server_CloseNotify',
      ]);
    });

    it('derives the ticket PSK of the Simple handshake that the resumed client stored (RFC 8448 3, 4)', async () => {
      const { values } = await replay(create, section('Simple_1RTT_Handshake'));
      expect(values.ticketNonce).toEqual(h('0000'));
      // The recorded client's session data holds the PSK as a DER OCTET STRING (04 20 ...).
      const stored = section('Resumed_0RTT_Handshake').get('Client_SessionData')!.toLowerCase();
      expect(stored).toContain(`0420${Buffer.from(values.ticketPsk!).toString('hex')}`);
    });

    it('replays the resumed 0-RTT handshake: res binder, early data, EndOfEarlyData (RFC 8448 4)', async () => {
      const simple = await replay(create, section('Simple_1RTT_Handshake'));
      // The file mixes two runs here: its server flight record is Botan's, whose
      // EncryptedExtensions has no server_name, while its Message_Server_Finished and client
      // Finished record are RFC 8448's, whose EncryptedExtensions echoes server_name. The records
      // open with our keys either way; the RFC's Finished values need the RFC's messages.
      const resumed = section('Resumed_0RTT_Handshake');
      const psk = {
        kind: 'resumption',
        secret: simple.values.ticketPsk!,
        hash: 'SHA-256',
      } as const;
      const rfcServerFlight = h(RFC8448_RESUMED_EE + resumed.get('Message_Server_Finished')!);
      const { values, checks } = await replay(create, resumed, psk, rfcServerFlight);
      expect(values.serverFinished).toEqual(bytesOf(resumed, 'Message_Server_Finished'));
      expect(checks).toEqual([
        'PSK binder',
        '0-RTT data',
        'server handshake records',
        'server Finished',
        'client Finished',
        'Record_Client_AppData',
        'Record_Server_AppData',
        'Record_Client_CloseNotify',
        'Record_Server_CloseNotify',
      ]);
    });

    for (const name of [
      'HelloRetryRequest_Handshake',
      'Client_Authentication_Handshake',
      'Middlebox_Compatibility_Mode',
      'RawPublicKey_With_Client_Authentication',
    ]) {
      it(`replays ${name}: handshake and application records open, both Finished values match`, async () => {
        const s = section(name);
        const { values, checks } = await replay(create, s);
        expect(values.serverFinished).toEqual(bytesOf(s, 'Message_Server_Finished'));
        expect(checks).toContain('server handshake records');
        expect(checks).toContain('client Finished');
        expect(checks).toContain('Record_Server_CloseNotify');
        if (name.startsWith('HelloRetryRequest'))
          expect(checks).toContain('HelloRetryRequest message_hash');
      });
    }

    it('replays an external PSK with (EC)DHE: ext binder (Botan extra trace)', async () => {
      const s = section('Externally_Provided_PSK_with_Ephemeral_Key');
      const { values, checks } = await replay(create, s, {
        kind: 'external',
        secret: bytesOf(s, 'PskSecret'),
        hash: 'SHA-256',
      });
      expect(values.serverFinished).toEqual(bytesOf(s, 'Message_Server_Finished'));
      expect(checks).toEqual([
        'PSK binder',
        'server handshake records',
        'server Finished',
        'client Finished',
        'Record_Client_AppData',
        'Record_Server_AppData',
        'Record_Client_CloseNotify',
        'Record_Server_CloseNotify',
      ]);
    });

    it('rejects the external PSK binder when the PSK is treated as a resumption PSK', async () => {
      const s = section('Externally_Provided_PSK_with_Ephemeral_Key');
      await expect(
        replay(create, s, { kind: 'resumption', secret: bytesOf(s, 'PskSecret'), hash: 'SHA-256' }),
      ).rejects.toThrow();
    });

    it('throws BadFinishedError with decrypt_error for a Finished that differs in one bit', () => {
      const good = h(RFC8448_SIMPLE.clientFinishedKey!);
      const bad = good.slice();
      bad[31]! ^= 1;
      let caught: unknown;
      try {
        checkFinished('client Finished', good, bad);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(BadFinishedError);
      expect(caught).toMatchObject({ code: 'ERR_BAD_FINISHED', alert: 51 });
    });

    it('gives the same exporter output for no context and an empty context (RFC 8446 7.5)', () => {
      const provider = create();
      const secret = h(RFC8448_SIMPLE.exporterMaster!);
      const a = exportKeyingMaterial(
        provider,
        'SHA-256',
        secret,
        'EXPERIMENTAL test',
        undefined,
        32,
      );
      const b = exportKeyingMaterial(
        provider,
        'SHA-256',
        secret,
        'EXPERIMENTAL test',
        new Uint8Array(0),
        32,
      );
      expect(a).toEqual(b);
    });
  },
);
