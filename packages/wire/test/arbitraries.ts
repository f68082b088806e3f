import fc from 'fast-check';
import {
  type Extension,
  type ExtensionContext,
  ExtensionType,
  HandshakeType,
  HELLO_RETRY_REQUEST_RANDOM,
  type HandshakeMessage,
  isKnown,
} from '../src/index.js';

// fast-check arbitraries for every message and extension form. Sizes are kept small so a run
// stays fast; the bounds themselves are tested with hand-built bytes in strict.test.ts.

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const list = <T>(arb: fc.Arbitrary<T>, min: number, max: number) =>
  fc.array(arb, { minLength: min, maxLength: max });

/** An extension type this codec does not model: GREASE or any unregistered value. */
const unknownType = u16.filter((t) => !isKnown(ExtensionType, t));
const unknownExtension = fc.record({
  type: unknownType,
  raw: bytes(0, 40),
}) as fc.Arbitrary<Extension>;

const E = ExtensionType;
const keyShareEntry = fc.record({ group: u16, keyExchange: bytes(1, 40) });

const forms = {
  serverNameCH: fc.record({
    type: fc.constant(E.serverName),
    serverNames: fc.uniqueArray(fc.record({ nameType: u8, name: bytes(1, 20) }), {
      minLength: 1,
      maxLength: 3,
      selector: (n) => n.nameType,
    }),
  }),
  serverNameAck: fc.constant({ type: E.serverName, serverNames: [] }),
  statusRequestCH: fc.record({
    type: fc.constant(E.statusRequest),
    request: fc.record({ responderIds: list(bytes(1, 10), 0, 3), requestExtensions: bytes(0, 10) }),
  }),
  statusRequestCT: fc.record({ type: fc.constant(E.statusRequest), ocspResponse: bytes(1, 40) }),
  statusRequestEmpty: fc.constant({ type: E.statusRequest }),
  supportedGroups: fc.record({ type: fc.constant(E.supportedGroups), groups: list(u16, 1, 8) }),
  ecPointFormats: fc.record({ type: fc.constant(E.ecPointFormats), formats: list(u8, 1, 4) }),
  signatureAlgorithms: fc.record({
    type: fc.constant(E.signatureAlgorithms),
    schemes: list(u16, 1, 8),
  }),
  signatureAlgorithmsCert: fc.record({
    type: fc.constant(E.signatureAlgorithmsCert),
    schemes: list(u16, 1, 8),
  }),
  alpn: fc.record({
    type: fc.constant(E.applicationLayerProtocolNegotiation),
    protocols: list(bytes(1, 12), 1, 4),
  }),
  padding: fc.record({ type: fc.constant(E.padding), length: fc.integer({ min: 0, max: 300 }) }),
  ems: fc.constant({ type: E.extendedMasterSecret }),
  recordSizeLimit: fc.record({
    type: fc.constant(E.recordSizeLimit),
    recordSizeLimit: fc.integer({ min: 64, max: 0xffff }),
  }),
  sessionTicket: fc.record({ type: fc.constant(E.sessionTicket), ticket: bytes(0, 40) }),
  offeredPsks: fc.integer({ min: 1, max: 3 }).chain((n) =>
    fc.record({
      type: fc.constant(E.preSharedKey),
      identities: list(fc.record({ identity: bytes(1, 20), obfuscatedTicketAge: u32 }), n, n),
      binders: list(bytes(32, 48), n, n),
    }),
  ),
  selectedPsk: fc.record({ type: fc.constant(E.preSharedKey), selectedIdentity: u16 }),
  earlyDataEmpty: fc.constant({ type: E.earlyData }),
  earlyDataNST: fc.record({ type: fc.constant(E.earlyData), maxEarlyDataSize: u32 }),
  versionsCH: fc.record({ type: fc.constant(E.supportedVersions), versions: list(u16, 1, 8) }),
  versionSH: fc.record({ type: fc.constant(E.supportedVersions), selectedVersion: u16 }),
  cookie: fc.record({ type: fc.constant(E.cookie), cookie: bytes(1, 60) }),
  pskModes: fc.record({ type: fc.constant(E.pskKeyExchangeModes), modes: list(u8, 1, 3) }),
  certificateAuthorities: fc.record({
    type: fc.constant(E.certificateAuthorities),
    authorities: list(bytes(1, 30), 1, 4),
  }),
  postHandshakeAuth: fc.constant({ type: E.postHandshakeAuth }),
  keyShareCH: fc.record({
    type: fc.constant(E.keyShare),
    clientShares: fc.uniqueArray(keyShareEntry, { maxLength: 3, selector: (e) => e.group }),
  }),
  keyShareSH: fc.record({ type: fc.constant(E.keyShare), serverShare: keyShareEntry }),
  keyShareHRR: fc.record({ type: fc.constant(E.keyShare), selectedGroup: u16 }),
  renegotiationInfo: fc.record({
    type: fc.constant(E.renegotiationInfo),
    renegotiatedConnection: bytes(0, 24),
  }),
};

type Form = keyof typeof forms;

const SH12_FORMS: Form[] = [
  'serverNameAck',
  'statusRequestEmpty',
  'ecPointFormats',
  'alpn',
  'ems',
  'recordSizeLimit',
  'sessionTicket',
  'renegotiationInfo',
];

/** The typed forms each context decodes (pre_shared_key in ClientHello is appended last separately). */
const CONTEXT_FORMS: Record<ExtensionContext, Form[]> = {
  client_hello: [
    'serverNameCH',
    'statusRequestCH',
    'supportedGroups',
    'ecPointFormats',
    'signatureAlgorithms',
    'signatureAlgorithmsCert',
    'alpn',
    'padding',
    'ems',
    'recordSizeLimit',
    'sessionTicket',
    'earlyDataEmpty',
    'versionsCH',
    'cookie',
    'pskModes',
    'certificateAuthorities',
    'postHandshakeAuth',
    'keyShareCH',
    'renegotiationInfo',
  ],
  server_hello_tls12: SH12_FORMS,
  // The TLS 1.3 ServerHello forms, plus the 1.2 ones: a client decodes both the same way.
  server_hello: ['keyShareSH', 'selectedPsk', 'versionSH', ...SH12_FORMS],
  hello_retry_request: ['keyShareHRR', 'cookie', 'versionSH'],
  encrypted_extensions: [
    'serverNameAck',
    'supportedGroups',
    'alpn',
    'recordSizeLimit',
    'earlyDataEmpty',
  ],
  certificate: ['statusRequestCT'],
  certificate_request: [
    'statusRequestEmpty',
    'signatureAlgorithms',
    'signatureAlgorithmsCert',
    'certificateAuthorities',
  ],
  new_session_ticket: ['earlyDataNST'],
};

/** One extension valid in `context` (typed or unknown). */
export function extensionIn(context: ExtensionContext): fc.Arbitrary<Extension> {
  const typed = CONTEXT_FORMS[context].map((f) => forms[f] as fc.Arbitrary<Extension>);
  return fc.oneof(...typed, unknownExtension);
}

/** An extension block for `context`: distinct types, in any order. */
export function extensionsIn(
  context: ExtensionContext,
  min = 0,
  max = 6,
): fc.Arbitrary<Extension[]> {
  return fc.uniqueArray(extensionIn(context), {
    minLength: min,
    maxLength: max,
    selector: (e) => e.type,
  });
}

const clientHello = fc
  .record({
    exts: extensionsIn('client_hello'),
    psk: fc.option(forms.offeredPsks, { nil: undefined }),
    legacyVersion: u16,
    random: bytes(32, 32),
    legacySessionId: bytes(0, 32),
    cipherSuites: list(u16, 1, 10),
  })
  .map(({ exts, psk, ...rest }) => ({
    type: HandshakeType.clientHello,
    ...rest,
    legacyCompressionMethods: Uint8Array.of(0),
    extensions: psk ? [...exts.filter((e) => e.type !== E.preSharedKey), psk as Extension] : exts,
  }));

const serverHello = fc.boolean().chain((hrr) =>
  fc.record({
    type: fc.constant(HandshakeType.serverHello),
    legacyVersion: u16,
    random: hrr ? fc.constant(HELLO_RETRY_REQUEST_RANDOM) : bytes(32, 32),
    legacySessionIdEcho: bytes(0, 32),
    cipherSuite: u16,
    legacyCompressionMethod: fc.constant(0),
    extensions: extensionsIn(hrr ? 'hello_retry_request' : 'server_hello'),
    isHelloRetryRequest: fc.constant(hrr),
  }),
);

/** Arbitraries for every HandshakeMessage form, by name. */
export const messages = {
  clientHello,
  serverHello,
  encryptedExtensions: fc.record({
    type: fc.constant(HandshakeType.encryptedExtensions),
    extensions: extensionsIn('encrypted_extensions'),
  }),
  certificate13: fc.record({
    type: fc.constant(HandshakeType.certificate),
    protocol: fc.constant('tls13' as const),
    certificateRequestContext: bytes(0, 8),
    certificateList: list(
      fc.record({ data: bytes(1, 60), extensions: extensionsIn('certificate', 0, 2) }),
      0,
      3,
    ),
  }),
  certificate12: fc.record({
    type: fc.constant(HandshakeType.certificate),
    protocol: fc.constant('tls12' as const),
    certificateList: list(bytes(1, 60), 0, 3),
  }),
  certificateRequest13: fc.record({
    type: fc.constant(HandshakeType.certificateRequest),
    protocol: fc.constant('tls13' as const),
    certificateRequestContext: bytes(0, 8),
    extensions: extensionsIn('certificate_request', 1, 5),
  }),
  certificateRequest12: fc.record({
    type: fc.constant(HandshakeType.certificateRequest),
    protocol: fc.constant('tls12' as const),
    certificateTypes: list(u8, 1, 3),
    signatureAlgorithms: list(u16, 1, 6),
    certificateAuthorities: list(bytes(1, 30), 0, 3),
  }),
  certificateVerify: fc.record({
    type: fc.constant(HandshakeType.certificateVerify),
    algorithm: u16,
    signature: bytes(0, 80),
  }),
  finished: fc.record({ type: fc.constant(HandshakeType.finished), verifyData: bytes(0, 64) }),
  newSessionTicket13: fc.record({
    type: fc.constant(HandshakeType.newSessionTicket),
    protocol: fc.constant('tls13' as const),
    ticketLifetime: u32,
    ticketAgeAdd: u32,
    ticketNonce: bytes(0, 16),
    ticket: bytes(1, 60),
    extensions: extensionsIn('new_session_ticket', 0, 3),
  }),
  newSessionTicket12: fc.record({
    type: fc.constant(HandshakeType.newSessionTicket),
    protocol: fc.constant('tls12' as const),
    ticketLifetimeHint: u32,
    ticket: bytes(0, 60),
  }),
  keyUpdate: fc.record({
    type: fc.constant(HandshakeType.keyUpdate),
    requestUpdate: fc.constantFrom(0 as const, 1 as const),
  }),
  endOfEarlyData: fc.constant({ type: HandshakeType.endOfEarlyData }),
  serverKeyExchange: fc.record({
    type: fc.constant(HandshakeType.serverKeyExchange),
    namedCurve: u16,
    publicKey: bytes(1, 97),
    algorithm: u16,
    signature: bytes(0, 80),
  }),
  clientKeyExchange: fc.record({
    type: fc.constant(HandshakeType.clientKeyExchange),
    publicKey: bytes(1, 97),
  }),
  certificateStatus: fc.record({
    type: fc.constant(HandshakeType.certificateStatus),
    ocspResponse: bytes(1, 60),
  }),
  serverHelloDone: fc.constant({ type: HandshakeType.serverHelloDone }),
  helloRequest: fc.constant({ type: HandshakeType.helloRequest }),
  messageHash: fc.record({ type: fc.constant(HandshakeType.messageHash), hash: bytes(32, 64) }),
} as Record<string, fc.Arbitrary<HandshakeMessage>>;

/** The decoding context a message needs: its `protocol`, or TLS 1.3 for single-layout messages. */
export function contextOf(m: HandshakeMessage): { protocol: 'tls13' | 'tls12' } {
  return { protocol: 'protocol' in m ? m.protocol : 'tls13' };
}

/** All extension contexts. */
export const CONTEXTS = Object.keys(CONTEXT_FORMS) as ExtensionContext[];
