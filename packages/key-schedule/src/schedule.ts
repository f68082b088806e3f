/**
 * The TLS 1.3 key schedule of RFC 8446 section 7.1 as typestate: an {@link EarlySecret} can only
 * become a {@link HandshakeSecret}, which can only become a {@link MasterSecret}. Each stage
 * offers exactly the secrets the RFC derives from it, so a secret cannot be taken from the
 * wrong stage.
 *
 * ```
 *              0
 *              |
 *    PSK ->  HKDF-Extract = Early Secret      -> binder_key, c e traffic, e exp master
 *              |
 *     Derive-Secret(., "derived", "")
 *              |
 * (EC)DHE -> HKDF-Extract = Handshake Secret  -> c hs traffic, s hs traffic
 *              |
 *     Derive-Secret(., "derived", "")
 *              |
 *     0 -> HKDF-Extract = Master Secret       -> c ap traffic, s ap traffic, exp master, res master
 * ```
 */
import type { CryptoProvider, HashName } from '@tlskit/crypto';
import { checkBytes } from './bytes.js';
import { finishedVerifyData } from './finished.js';
import {
  deriveSecret,
  hashLength,
  hkdfExpandLabel,
  PerProviderHash,
  sharedEmptyHash,
} from './hkdf-label.js';

/**
 * Which kind of PSK a binder is for (RFC 8446 section 7.1): `resumption` for a PSK from a
 * NewSessionTicket ("res binder"), `external` for one provisioned out of band ("ext binder"),
 * `imported` for an external PSK imported by RFC 9258 ("imp binder", section 4.2).
 * The labels differ so that one kind can never be substituted for another.
 */
export type PskKind = 'resumption' | 'external' | 'imported';

const binderLabels: Record<PskKind, string> = {
  resumption: 'res binder',
  external: 'ext binder',
  imported: 'imp binder',
};

/** The next stage's salt: Derive-Secret(secret, "derived", "") (RFC 8446 section 7.1). */
function derivedSalt(provider: CryptoProvider, hash: HashName, secret: Uint8Array): Uint8Array {
  return deriveSecret(provider, hash, secret, 'derived', sharedEmptyHash(provider, hash));
}

/** The next stage's secret: HKDF-Extract(salt, ikm). */
function nextStage(
  provider: CryptoProvider,
  hash: HashName,
  salt: Uint8Array,
  ikm: Uint8Array | undefined,
): Uint8Array {
  // RFC 8446 7.1: "If a given secret is not available, then the 0-value consisting of a string
  // of Hash.length bytes set to zeros is used."
  return provider.hkdfExtract(hash, salt, ikm ?? new Uint8Array(hashLength(hash)));
}

/**
 * The Early Secret of a handshake without PSK is the same for every handshake of a provider and
 * hash, and so is its "derived" salt: both are computed once (two HMACs and a hash less per full
 * handshake, issue 14).
 */
const pskLessEarly = new PerProviderHash((provider, hash) => {
  const zeros = new Uint8Array(hashLength(hash));
  return newEarlySecret(provider, hash, provider.hkdfExtract(hash, zeros, zeros));
});

// Factories private to this module: the next stage can only be reached through the previous one.
let newEarlySecret: (provider: CryptoProvider, hash: HashName, secret: Uint8Array) => EarlySecret;
let newHandshakeSecret: (early: EarlySecret, secret: Uint8Array) => HandshakeSecret;
let newMasterSecret: (handshake: HandshakeSecret, secret: Uint8Array) => MasterSecret;

/** Common state of the three stages: the provider, the suite's hash and the stage's secret. */
abstract class Stage {
  /** The provider every derivation runs on. */
  readonly provider: CryptoProvider;
  /** The hash of the negotiated cipher suite. */
  readonly hash: HashName;
  /** The stage's secret itself (Early Secret, Handshake Secret or Master Secret). */
  readonly secret: Uint8Array;

  protected constructor(provider: CryptoProvider, hash: HashName, secret: Uint8Array) {
    this.provider = provider;
    this.hash = hash;
    this.secret = secret;
  }

  protected derive(label: string, transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.hash, this.secret, label, transcriptHash);
  }
}

/** The first stage: HKDF-Extract(0, PSK), or of zeros when no PSK is in use. */
export class EarlySecret extends Stage {
  static {
    newEarlySecret = (provider, hash, secret) => new EarlySecret(provider, hash, secret);
  }

  /**
   * Starts a schedule. `psk` is the resumption PSK (see `resumptionPsk`) or an external PSK;
   * omit it for a full handshake, which extracts from Hash.length zero bytes (RFC 8446 7.1).
   */
  static create(provider: CryptoProvider, hash: HashName, psk?: Uint8Array): EarlySecret {
    const zeros = new Uint8Array(hashLength(hash));
    if (psk !== undefined) {
      checkBytes('psk', psk);
      return new EarlySecret(provider, hash, provider.hkdfExtract(hash, zeros, psk));
    }
    return pskLessEarly.get(provider, hash);
  }

  /** Derive-Secret(., "derived", ""), the next stage's salt; computed once per Early Secret. */
  #salt: Uint8Array | undefined;

  /** binder_key = Derive-Secret(Early Secret, "ext binder" | "res binder", ""). */
  binderKey(kind: PskKind): Uint8Array {
    return this.derive(binderLabels[kind], sharedEmptyHash(this.provider, this.hash));
  }

  /**
   * The PSK binder value of RFC 8446 section 4.2.11.2: computed like Finished (section 4.4.4)
   * from the binder key, over the transcript hash of the ClientHello truncated before the
   * binders list (preceded by the first ClientHello and HelloRetryRequest after an HRR).
   */
  pskBinder(kind: PskKind, truncatedTranscriptHash: Uint8Array): Uint8Array {
    return finishedVerifyData(
      this.provider,
      this.hash,
      this.binderKey(kind),
      truncatedTranscriptHash,
    );
  }

  /** client_early_traffic_secret = Derive-Secret(., "c e traffic", ClientHello). */
  clientEarlyTrafficSecret(clientHelloHash: Uint8Array): Uint8Array {
    return this.derive('c e traffic', clientHelloHash);
  }

  /** early_exporter_master_secret = Derive-Secret(., "e exp master", ClientHello). */
  earlyExporterMasterSecret(clientHelloHash: Uint8Array): Uint8Array {
    return this.derive('e exp master', clientHelloHash);
  }

  /**
   * The next stage, from the (EC)DHE shared secret; omit it for psk_ke (PSK without key
   * exchange), which extracts from zeros.
   */
  deriveHandshakeSecret(sharedSecret?: Uint8Array): HandshakeSecret {
    if (sharedSecret !== undefined) checkBytes('sharedSecret', sharedSecret);
    this.#salt ??= derivedSalt(this.provider, this.hash, this.secret);
    return newHandshakeSecret(this, nextStage(this.provider, this.hash, this.#salt, sharedSecret));
  }
}

/** The second stage: HKDF-Extract(Derive-Secret(Early, "derived", ""), (EC)DHE). */
export class HandshakeSecret extends Stage {
  static {
    newHandshakeSecret = (early, secret) => new HandshakeSecret(early.provider, early.hash, secret);
  }

  /** client_handshake_traffic_secret = Derive-Secret(., "c hs traffic", ClientHello...ServerHello). */
  clientHandshakeTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return this.derive('c hs traffic', helloHash);
  }

  /** server_handshake_traffic_secret = Derive-Secret(., "s hs traffic", ClientHello...ServerHello). */
  serverHandshakeTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return this.derive('s hs traffic', helloHash);
  }

  /** The last stage: HKDF-Extract(Derive-Secret(., "derived", ""), 0). */
  deriveMasterSecret(): MasterSecret {
    const salt = derivedSalt(this.provider, this.hash, this.secret);
    return newMasterSecret(this, nextStage(this.provider, this.hash, salt, undefined));
  }
}

/** The last stage, from which application traffic, exporter and resumption secrets come. */
export class MasterSecret extends Stage {
  static {
    newMasterSecret = (handshake, secret) =>
      new MasterSecret(handshake.provider, handshake.hash, secret);
  }

  /** client_application_traffic_secret_0 = Derive-Secret(., "c ap traffic", ClientHello...server Finished). */
  clientApplicationTrafficSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return this.derive('c ap traffic', serverFinishedHash);
  }

  /** server_application_traffic_secret_0 = Derive-Secret(., "s ap traffic", ClientHello...server Finished). */
  serverApplicationTrafficSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return this.derive('s ap traffic', serverFinishedHash);
  }

  /** exporter_master_secret = Derive-Secret(., "exp master", ClientHello...server Finished). */
  exporterMasterSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return this.derive('exp master', serverFinishedHash);
  }

  /** resumption_master_secret = Derive-Secret(., "res master", ClientHello...client Finished). */
  resumptionMasterSecret(clientFinishedHash: Uint8Array): Uint8Array {
    return this.derive('res master', clientFinishedHash);
  }
}

/**
 * The PSK of a ticket (RFC 8446 section 4.6.1):
 * HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
 */
export function resumptionPsk(
  provider: CryptoProvider,
  hash: HashName,
  resumptionMasterSecret: Uint8Array,
  ticketNonce: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(
    provider,
    hash,
    resumptionMasterSecret,
    'resumption',
    ticketNonce,
    hashLength(hash),
  );
}
