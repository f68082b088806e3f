/**
 * One test: the connections of one shim process (the first, then -resume-count resumptions),
 * each following the runner's protocol (SHIM.md): connect out, send the shim id, handshake,
 * check what the flags expect, then echo every byte XOR 0xff until the runner closes.
 */
import { readFileSync } from 'node:fs';
import type { CryptoProvider } from '@tlskit/crypto';
import {
  type Connection,
  createClient,
  createServer,
  type HandshakeInfo,
  MemoryAntiReplayStore,
  type Session,
  SessionCache,
} from '@tlskit/handshake';
import { parsePem } from '@tlskit/x509';
import { checkEarlyData, type EarlyDataContext } from './early-data.js';
import { checkEch, echClientOptions, echServerOptions, expectEchRejection } from './ech.js';
import { watchFalseStart } from './false-start.js';
import { flagBool, flagInt, flagString, type ShimConfig } from './flags.js';
import { checkObserved, observe } from './handshake-checks.js';
import { applyMaxSendFragment } from './record-size.js';
import { sendShimAlert } from './send-alert.js';
import {
  base64,
  clientOptions,
  type ServerState,
  Signer,
  serverOptions,
  shimClock,
  type VerifyRecord,
} from './options.js';
import { connectToRunner, EnginePipe } from './transport.js';

/** A check of the handshake's outcome failed: the shim reports it and exits 1. */
export class CheckFailed extends Error {
  override name = 'CheckFailed';
}

/** A connection ended with a TLS error: reported as BoringSSL's string for it. */
export class ConnectionFailed extends Error {
  override name = 'ConnectionFailed';
  constructor(readonly tlsError: unknown) {
    super('connection failed', { cause: tlsError });
  }
}

const versionCodes: Readonly<Record<string, number>> = { 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0304 };

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailed(message);
}

/** CheckHandshakeProperties of BoringSSL's shim, for the flags this shim implements. */
export function checkHandshake(
  config: ShimConfig,
  info: HandshakeInfo,
  isServer: boolean,
  isResume: boolean,
  peerScheme: number | undefined,
  groupCode: number | undefined,
): void {
  const version = flagInt(config, '-expect-version');
  check(
    version === undefined || versionCodes[info.version] === version,
    `want version ${version?.toString(16)}, got ${info.version}`,
  );
  const expectResume = isResume && !flagBool(config, '-expect-session-miss');
  check(
    info.resumed === expectResume,
    `session unexpectedly was${info.resumed ? '' : ' not'} reused`,
  );
  const curve = flagInt(config, '-expect-curve-id');
  check(curve === undefined || groupCode === curve, `curve ${groupCode}, want ${curve}`);
  const cipher = flagInt(config, '-expect-cipher');
  check(
    cipher === undefined || info.cipherSuiteCode === cipher,
    `cipher ${info.cipherSuiteCode}, want ${cipher}`,
  );
  const scheme = flagInt(config, '-expect-peer-signature-algorithm');
  check(
    scheme === undefined || peerScheme === scheme,
    `peer signature algorithm ${peerScheme}, want ${scheme}`,
  );
  // The server must report what it selected; the client what the test expected (or none).
  const alpn =
    (isServer
      ? flagBool(config, '-decline-alpn')
        ? undefined
        : flagString(config, '-select-alpn')
      : flagString(config, '-expect-alpn')) ?? '';
  check((info.alpn ?? '') === alpn, `negotiated ALPN ${info.alpn}, want "${alpn}"`);
  if (isServer) {
    const name = flagString(config, '-expect-server-name');
    check(name === undefined || info.serverName === name, `server name ${info.serverName}`);
    check(
      !flagBool(config, '-expect-no-server-name') || info.serverName === undefined,
      `unexpected server name ${info.serverName}`,
    );
  }
  if (flagBool(config, '-expect-hrr'))
    check(info.helloRetryRequest, 'expected a HelloRetryRequest');
  if (flagBool(config, '-expect-no-hrr'))
    check(!info.helloRetryRequest, 'unexpected HelloRetryRequest');
  const peerCertFile = flagString(config, '-expect-peer-cert-file');
  if (peerCertFile !== undefined) {
    const want = parsePem(readFileSync(peerCertFile, 'latin1'));
    const got = info.peerCertificates;
    check(
      want.length === got.length && want.every((der, i) => equalBytes(der, got[i]!)),
      'peer certificate chain differs from -expect-peer-cert-file',
    );
  }
}

/**
 * -export-traffic-secrets: the read then the write application traffic secret (TLS 1.3), after
 * their length as BoringSSL's shim writes it (a host-order, so little-endian, uint16).
 */
export function trafficSecretsRecord(
  secrets: ReadonlyMap<string, Uint8Array>,
  isServer: boolean,
): Uint8Array {
  const client = secrets.get('CLIENT_TRAFFIC_SECRET_0');
  const server = secrets.get('SERVER_TRAFFIC_SECRET_0');
  if (client === undefined || server === undefined) {
    throw new CheckFailed('failed to export traffic secrets');
  }
  const [read, write] = isServer ? [client, server] : [server, client];
  const out = new Uint8Array(2 + read.length + write.length);
  new DataView(out.buffer).setUint16(0, read.length, true);
  out.set(read, 2);
  out.set(write, 2 + read.length);
  return out;
}

/**
 * -tls-unique (RFC 5929 3.1): the first Finished of the handshake, the client's in a full
 * handshake and the server's in a resumption. TLS 1.2 only, and only with
 * extended_master_secret, which tlskit always negotiates in TLS 1.2.
 */
export function tlsUnique(engine: Connection, info: HandshakeInfo, isServer: boolean): Uint8Array {
  if (info.version !== 'TLSv1.2') throw new CheckFailed('failed to get tls-unique');
  const unique = engine.getFinished(isServer === info.resumed ? 'sent' : 'received');
  if (unique === undefined) throw new CheckFailed('failed to get tls-unique');
  return unique;
}

/** What one connection hands to the next. */
interface Carry {
  session: Session | undefined;
  /**
   * SSL_get_peer_signature_algorithm: BoringSSL keeps the scheme of the full handshake in the
   * session and reports it again on resumption; tlskit reports the scheme of this handshake
   * only, so the shim carries it over.
   */
  peerScheme: number | undefined;
  /** SSL_get_curve_id: likewise, a TLS 1.2 resumption reports the group of the full handshake. */
  group: number | undefined;
  /** SSL_get_verify_result: a resumed session keeps the result of the full handshake. */
  readonly verify: VerifyRecord;
  /** SSL_get0_ocsp_response: a resumed session keeps the staple of the full handshake. */
  ocsp: Uint8Array | undefined;
  /** SSL_get0_signed_cert_timestamp_list: likewise. */
  scts: Uint8Array | undefined;
  /** Server: whether the tickets of the last connection allowed 0-RTT, and their ALPN. */
  ticketAllowedEarlyData: boolean;
  alpn: string | undefined;
}

/** BoringSSL's shim's first message under -shim-writes-first (kInitialWrite). */
const shimInitialWrite = new TextEncoder().encode('hello');

/** The checks that need the shim's own records, not only the HandshakeInfo. */
function checkShimRecords(config: ShimConfig, signer: Signer, carry: Carry): void {
  if (flagBool(config, '-expect-verify-result')) {
    check(
      carry.verify.failed === flagBool(config, '-verify-fail'),
      'Wrong certificate verification result',
    );
  }
  const ocsp = flagString(config, '-expect-ocsp-response');
  if (ocsp !== undefined) {
    check(
      carry.ocsp !== undefined && equalBytes(carry.ocsp, base64(ocsp)),
      'OCSP response mismatch',
    );
  }
  const scts = flagString(config, '-expect-signed-cert-timestamps');
  if (scts !== undefined) {
    check(carry.scts !== undefined && equalBytes(carry.scts, base64(scts)), 'SCT list mismatch');
  }
  const credential = flagInt(config, '-expect-selected-credential') ?? -1;
  check(
    signer.selected === credential,
    `Credential ${signer.selected} was used, wanted ${credential}`,
  );
}

async function exchange(
  initialConfig: ShimConfig,
  retryConfig: ShimConfig,
  signer: Signer,
  engine: Connection,
  pipe: EnginePipe,
  isServer: boolean,
  isResume: boolean,
  carry: Carry,
): Promise<void> {
  // A client whose 0-RTT was rejected goes on as BoringSSL's does after
  // SSL_reset_early_data_reject: with the retry configuration.
  let config = initialConfig;
  let failure: unknown;
  let gotSession = false;
  let peerClosed = false;
  const received: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  engine.on('close', (event) => {
    if (event.error !== undefined) failure = event.error;
    notify();
  });
  engine.on('session', (session) => {
    gotSession = true;
    carry.session = session;
  });
  engine.on('data', (data) => {
    received.push(data);
    notify();
  });
  // Accepted early data is echoed at once, as half-RTT data: the runner waits for it.
  engine.on('earlyData', (data) => {
    received.push(data);
    notify();
  });
  engine.on('end', () => {
    peerClosed = true;
    notify();
  });
  engine.on('handshake', () => notify());
  // SSL_get_traffic_secrets: tlskit gives them to its key log.
  const trafficSecrets = new Map<string, Uint8Array>();
  if (flagBool(config, '-export-traffic-secrets')) {
    engine.on('keylog', (line) => {
      const [label, , secret] = line.split(' ');
      if (label !== undefined && secret !== undefined) {
        trafficSecrets.set(label, Buffer.from(secret, 'hex'));
      }
    });
  }

  void pipe.untilEof().then(notify);
  const waitEvent = (): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve;
    });
  // BoringSSL's SSL_do_handshake returns when False Start begins: the checks and writes follow.
  const falseStart = watchFalseStart(engine, config, notify);
  const throwIfFailed = (): void => {
    const violation = falseStart.violation();
    if (violation !== undefined) throw new CheckFailed(violation);
    if (failure !== undefined) throw new ConnectionFailed(failure);
  };

  const echoReceived = async (): Promise<void> => {
    while (received.length > 0) {
      const data = received.shift()!;
      if (flagBool(config, '-key-update') && engine.handshakeInfo !== undefined) {
        await engine.keyUpdate(false);
      }
      const echo = new Uint8Array(data.length);
      for (let i = 0; i < data.length; i++) echo[i] = data[i]! ^ 0xff;
      await engine.write(echo);
      pipe.flush();
    }
  };

  await engine.start();
  pipe.flush();
  // A client offering 0-RTT writes its first message early, as much of it as the ticket allows
  // (SSL_do_handshake returns at once in BoringSSL, and SSL_write sends early data).
  let initialWrite = flagBool(config, '-shim-writes-first') ? shimInitialWrite : undefined;
  const earlyOffered = !isServer && engine.earlyDataRemaining > 0;
  if (earlyOffered) {
    if (isResume && flagBool(config, '-expect-no-offer-early-data')) {
      throw new CheckFailed('Client unexpectedly offered early data.');
    }
    // BoringSSL's shim exports here, in the 0-RTT state; tlskit refuses it as BoringSSL does.
    if ((flagInt(config, '-export-keying-material') ?? 0) > 0) {
      engine.exportKeyingMaterial('', undefined, 1);
    }
    if (initialWrite !== undefined) {
      const early = initialWrite.subarray(0, engine.earlyDataRemaining);
      await engine.write(early);
      pipe.flush();
      initialWrite = initialWrite.subarray(early.length);
    }
  }
  /** SSL_do_handshake: until `ready` (the handshake completed, or False Start began). */
  const handshake = async (ready: () => boolean): Promise<void> => {
    while (!ready()) {
      await echoReceived();
      throwIfFailed();
      if (pipe.eof) {
        await pipe.settled();
        throwIfFailed();
        if (engine.handshakeInfo !== undefined) break;
        throw new CheckFailed('the runner closed the connection during the handshake');
      }
      await waitEvent();
    }
  };
  await handshake(() => engine.handshakeInfo !== undefined || falseStart.info() !== undefined);
  const info = engine.handshakeInfo ?? falseStart.info()!;
  const earlyContext: EarlyDataContext = {
    isServer,
    session: isResume ? carry.session : undefined,
    ticketAllowedEarlyData: carry.ticketAllowedEarlyData,
    ticketAlpn: carry.alpn,
  };
  if (!isServer && isResume && info.earlyData === 'rejected') {
    if (!flagBool(config, '-expect-reject-early-data')) {
      throw new CheckFailed(':EARLY_DATA_REJECTED: the server rejected our 0-RTT data');
    }
    if (flagString(config, '-expect-early-data-reason') !== undefined) {
      throw new CheckFailed('client reject -expect-early-data-reason belongs to -on-retry');
    }
    config = retryConfig;
    initialWrite = flagBool(config, '-shim-writes-first') ? shimInitialWrite : undefined;
  }
  if (isServer) {
    carry.ticketAllowedEarlyData = flagBool(config, '-enable-early-data');
  }
  carry.alpn = info.alpn;
  if (!info.resumed) carry.peerScheme = info.peerSignatureScheme;
  if (!info.resumed || info.groupCode !== undefined) carry.group = info.groupCode;
  if (!info.resumed) {
    carry.ocsp = info.ocsp?.response;
    carry.scts = info.signedCertificateTimestamps;
  }
  checkHandshake(config, info, isServer, isResume, carry.peerScheme, carry.group);
  const echProblem = checkEch(config, info);
  if (echProblem !== undefined) throw new CheckFailed(echProblem);
  checkShimRecords(config, signer, carry);
  checkEarlyData(config, info, earlyContext, (message) => new CheckFailed(message));
  // -handshake-twice: BoringSSL's second SSL_do_handshake completes what False Start left open.
  if (flagBool(config, '-handshake-twice'))
    await handshake(() => engine.handshakeInfo !== undefined);

  const exportLength = flagInt(config, '-export-keying-material') ?? 0;
  if (exportLength > 0) {
    const context = flagBool(config, '-use-export-context')
      ? new TextEncoder().encode(flagString(config, '-export-context') ?? '')
      : undefined;
    await engine.write(
      engine.exportKeyingMaterial(flagString(config, '-export-label') ?? '', context, exportLength),
    );
    pipe.flush();
  }
  if (flagBool(config, '-export-traffic-secrets')) {
    await engine.write(trafficSecretsRecord(trafficSecrets, isServer));
    pipe.flush();
  }
  if (flagBool(config, '-tls-unique')) {
    await engine.write(tlsUnique(engine, info, isServer));
    pipe.flush();
  }
  if (await sendShimAlert(config, engine)) {
    pipe.flush();
    return;
  }
  // What is left of the first message (all of it without 0-RTT).
  if (initialWrite !== undefined && initialWrite.length > 0) {
    await engine.write(initialWrite);
    pipe.flush();
  }
  if (!flagBool(config, '-shim-shuts-down')) {
    for (;;) {
      await echoReceived();
      throwIfFailed();
      if (peerClosed) break;
      if (pipe.eof) {
        await pipe.settled();
        throwIfFailed();
        if (received.length > 0) continue;
        if (flagBool(config, '-check-close-notify') && !peerClosed) {
          throw new CheckFailed('the runner closed TCP without close_notify');
        }
        break;
      }
      await waitEvent();
    }
  }
  if (info.version === 'TLSv1.3' && !isServer) {
    const expectSession =
      !flagBool(config, '-expect-no-session') && !flagBool(config, '-shim-shuts-down');
    check(
      gotSession === expectSession,
      `new session was${gotSession ? '' : ' not'} cached, but we expected the opposite`,
    );
    const session = carry.session;
    if (gotSession && session?.version === 'TLSv1.3') {
      const allows = session.maxEarlyData !== 0;
      check(
        flagBool(config, '-expect-ticket-supports-early-data') === allows,
        `Ticket was${allows ? '' : ' not'} marked as supporting early data`,
      );
    }
  }
  if (engine.state !== 'closed') {
    await engine.close();
    pipe.flush();
  }
  if (flagBool(config, '-shim-shuts-down') && flagBool(config, '-check-close-notify')) {
    // Like SSL_shutdown, which waits for the peer's close_notify and refuses data meanwhile
    // (tlskit itself allows a half-close, as node:tls does: the application decides).
    while (!peerClosed) {
      throwIfFailed();
      if (pipe.eof) {
        await pipe.settled();
        if (peerClosed) break;
        throw new CheckFailed('no close_notify from the runner after ours');
      }
      await waitEvent();
    }
    // The shim shut down without reading, so any data from the runner came on shutdown.
    if (received.length > 0) {
      throw new CheckFailed(':APPLICATION_DATA_ON_SHUTDOWN: data after our close_notify');
    }
  }
}

/** Runs every connection of the test. Throws CheckFailed or ConnectionFailed on failure. */
export async function runTest(
  initial: ShimConfig,
  resume: ShimConfig,
  provider: CryptoProvider,
  retry: ShimConfig = resume,
): Promise<void> {
  const isServer = flagBool(initial, '-server');
  const rounds = 1 + (flagInt(initial, '-resume-count') ?? 0);
  const serverState: ServerState = {
    ticketKeys: [{ name: provider.randomBytes(16), key: provider.randomBytes(32) }],
    sessionCache: new SessionCache(),
    antiReplay: new MemoryAntiReplayStore(),
  };
  const carry: Carry = {
    session: undefined,
    peerScheme: undefined,
    group: undefined,
    verify: { failed: false },
    ocsp: undefined,
    scts: undefined,
    ticketAllowedEarlyData: false,
    alpn: undefined,
  };
  for (let round = 0; round < rounds; round++) {
    const config = round === 0 ? initial : resume;
    const isResume = round > 0;
    const signer = new Signer(provider);
    const engine = isServer
      ? createServer({
          ...(await serverOptions(config, signer, carry.verify, serverState)),
          ...echServerOptions(config),
        })
      : createClient({
          ...(await clientOptions(config, signer, carry.verify, isResume ? retry : undefined)),
          ...(isResume && carry.session !== undefined ? { session: carry.session } : {}),
          ...echClientOptions(config),
        });
    const socket = await connectToRunner(
      flagInt(initial, '-port') ?? 0,
      flagBool(initial, '-ipv6'),
      flagInt(initial, '-shim-id') ?? 0,
    );
    const pipe = new EnginePipe(socket, engine);
    const observers = observe(config, engine);
    applyMaxSendFragment(config, engine);
    const offered = carry.session;
    const cached = serverState.sessionCache.size;
    try {
      await expectEchRejection(
        config,
        () => exchange(config, retry, signer, engine, pipe, isServer, isResume, carry),
        (message) => new CheckFailed(message),
      );
      const observed = checkObserved(config, engine, observers, isResume);
      if (observed !== undefined) throw new CheckFailed(observed);
      checkSessionRecords(config, isResume, serverState.sessionCache.size > cached, {
        offered,
        received: carry.session,
        resumed: engine.handshakeInfo?.resumed === true,
      });
    } finally {
      // Whatever happened, the alert or close_notify the engine queued goes out first. Then a
      // lingering close: closing with the runner's bytes still unread would send a TCP reset,
      // and the runner, still writing, would see 'broken pipe' instead of our alert.
      await pipe.end();
      await lingerUntilEof(pipe, lingerMs);
      socket.destroy();
    }
    shimClock.offsetMs += (flagInt(config, '-resumption-delay') ?? 0) * 1000;
  }
}

/**
 * The session checks of BoringSSL's shim: whether a server's first connection stored its
 * session in the session cache (a TLS 1.2 session ID), and whether a client's resumption
 * brought a new ticket.
 */
export function checkSessionRecords(
  config: ShimConfig,
  isResume: boolean,
  cachedOnServer: boolean,
  client: { offered: Session | undefined; received: Session | undefined; resumed: boolean },
): void {
  if (!isResume) {
    if (flagBool(config, '-expect-session-id')) {
      check(cachedOnServer, 'session was not cached on the server.');
    }
    if (flagBool(config, '-expect-no-session-id')) {
      check(!cachedOnServer, 'session was unexpectedly cached on the server.');
    }
  }
  if (flagBool(config, '-expect-ticket-renewal') && client.resumed) {
    const before = client.offered;
    const after = client.received;
    const renewed =
      before?.version === 'TLSv1.2' &&
      after?.version === 'TLSv1.2' &&
      after.ticket !== undefined &&
      (before.ticket === undefined || !equalBytes(before.ticket, after.ticket));
    check(renewed, 'the resumption brought no new ticket');
  }
}

/** How long a closing shim waits for the runner to close its side. */
const lingerMs = 1000;

/** Resolves when the runner has closed TCP, or after `ms`, whichever comes first. */
async function lingerUntilEof(pipe: EnginePipe, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([pipe.untilEof(), timeout]);
  clearTimeout(timer);
}
