/**
 * Every finding `tlskit scan` can report: how severe it is, what it is, why it matters (the
 * attack it enables) and how to fix it. Probes decide *whether* a finding applies and add the
 * detail (which suites, which certificate); the explanation lives here, once.
 */

/** Ordered from worst to harmless. */
export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
/** How bad a finding is. */
export type Severity = (typeof severities)[number];

interface FindingText {
  readonly severity: Severity;
  readonly title: string;
  readonly why: string;
  readonly fix: string;
}

/** The catalogue, keyed by the stable finding id that `--json` reports. */
export const findingCatalogue = {
  'protocol-sslv3': {
    severity: 'critical',
    title: 'SSL 3.0 is accepted',
    why: 'SSL 3.0 has no sound CBC padding (POODLE, CVE-2014-3566) and no modern cipher suite; RFC 7568 forbids it.',
    fix: 'Disable SSL 3.0 (OpenSSL: MinProtocol = TLSv1.2).',
  },
  'protocol-tls10': {
    severity: 'medium',
    title: 'TLS 1.0 is accepted',
    why: 'TLS 1.0 relies on SHA-1/MD5 in its PRF and on CBC with predictable IVs (BEAST); RFC 8996 deprecates it and no current browser needs it.',
    fix: 'Disable TLS 1.0 (MinProtocol = TLSv1.2).',
  },
  'protocol-tls11': {
    severity: 'medium',
    title: 'TLS 1.1 is accepted',
    why: 'TLS 1.1 has no AEAD cipher suites and relies on SHA-1/MD5; RFC 8996 deprecates it.',
    fix: 'Disable TLS 1.1 (MinProtocol = TLSv1.2).',
  },
  'protocol-no-tls12-or-13': {
    severity: 'high',
    title: 'Neither TLS 1.2 nor TLS 1.3 is accepted',
    why: 'Only deprecated versions remain: every connection uses SHA-1-era primitives and current clients refuse to connect.',
    fix: 'Enable TLS 1.2 and TLS 1.3.',
  },
  'protocol-no-tls13': {
    severity: 'low',
    title: 'TLS 1.3 is not accepted',
    why: 'TLS 1.3 encrypts the certificate, always has forward secrecy, removes every legacy suite and saves a round trip.',
    fix: 'Enable TLS 1.3 (OpenSSL 1.1.1 or later: MaxProtocol = TLSv1.3).',
  },
  'suite-null': {
    severity: 'critical',
    title: 'NULL cipher suites are accepted (no encryption)',
    why: 'Traffic is sent in clear text: anyone on the path reads it.',
    fix: 'Remove the NULL suites (OpenSSL cipher string: !eNULL).',
  },
  'suite-anonymous': {
    severity: 'critical',
    title: 'Anonymous cipher suites are accepted (no server authentication)',
    why: 'Without a certificate any man in the middle can answer for the server and read everything.',
    fix: 'Remove the anonymous suites (OpenSSL: !aNULL).',
  },
  'suite-export': {
    severity: 'critical',
    title: 'EXPORT cipher suites are accepted',
    why: '40- and 56-bit keys are broken in minutes; a man in the middle can force them (FREAK, Logjam).',
    fix: 'Remove the EXPORT suites (OpenSSL: !EXP).',
  },
  'suite-rc4': {
    severity: 'high',
    title: 'RC4 cipher suites are accepted',
    why: 'RC4 keystream biases let an attacker recover repeated plaintext such as cookies; RFC 7465 forbids RC4.',
    fix: 'Remove the RC4 suites (OpenSSL: !RC4).',
  },
  'suite-des': {
    severity: 'high',
    title: 'DES, IDEA or RC2 cipher suites are accepted',
    why: 'Single DES keys are 56 bits (brute-forced in hours); these 64-bit block ciphers are also open to Sweet32.',
    fix: 'Remove them (OpenSSL: !DES:!IDEA:!RC2).',
  },
  'suite-3des': {
    severity: 'medium',
    title: '3DES cipher suites are accepted',
    why: '3DES has a 64-bit block: after about 32 GB on one connection blocks collide and plaintext leaks (Sweet32, CVE-2016-2183).',
    fix: 'Remove the 3DES suites (OpenSSL: !3DES).',
  },
  'suite-rsa-kx': {
    severity: 'medium',
    title: 'RSA key exchange is accepted (no forward secrecy)',
    why: 'Whoever gets the server key later decrypts every recorded session; RSA decryption oracles (Bleichenbacher, ROBOT) also target these suites.',
    fix: 'Offer only ECDHE (or DHE) suites (OpenSSL: !kRSA).',
  },
  'suite-cbc': {
    severity: 'low',
    title: 'CBC cipher suites are accepted',
    why: 'TLS CBC is MAC-then-encrypt: implementations keep leaking padding and timing oracles (Lucky Thirteen, POODLE-TLS, Zombie POODLE).',
    fix: 'Prefer AEAD suites (AES-GCM, ChaCha20-Poly1305) and drop CBC where clients allow.',
  },
  'no-server-order': {
    severity: 'low',
    title: 'The server follows the client’s cipher suite order',
    why: 'The server accepts weak suites, and a client that lists them first gets them: the server does not steer clients to its strongest suite.',
    fix: 'Enforce the server’s order (OpenSSL: Options = ServerPreference; nginx: ssl_prefer_server_ciphers on).',
  },
  'dhe-weak-prime': {
    severity: 'high',
    title: 'DHE uses a prime under 2048 bits',
    why: 'Primes of 1024 bits and less are within reach of precomputation by a well-funded attacker (Logjam, CVE-2015-4000).',
    fix: 'Use a 2048-bit or larger group (RFC 7919 ffdhe2048), or drop DHE for ECDHE.',
  },
  'fallback-scsv-ignored': {
    severity: 'medium',
    title: 'TLS_FALLBACK_SCSV is not honoured',
    why: 'A man in the middle can make clients that retry with a lower version (downgrade dance) settle for the weakest version the server accepts (RFC 7507).',
    fix: 'Update the TLS library; every maintained one honours the SCSV.',
  },
  'downgrade-sentinel-missing': {
    severity: 'medium',
    title: 'No TLS 1.3 downgrade sentinel in the ServerHello random',
    why: 'RFC 8446 4.1.3: a TLS 1.3 server answering a lower version must say so in its random, so that TLS 1.3 clients detect a forced downgrade.',
    fix: 'Update the TLS library, or check that no middlebox terminates TLS 1.2 in front of the TLS 1.3 server.',
  },
  'insecure-renegotiation': {
    severity: 'high',
    title: 'Secure renegotiation (RFC 5746) is not supported',
    why: 'Without renegotiation_info a man in the middle can splice its own request in front of the client’s (CVE-2009-3555).',
    fix: 'Update the TLS library; or disable renegotiation entirely.',
  },
  'no-extended-master-secret': {
    severity: 'medium',
    title: 'Extended master secret (RFC 7627) is not supported',
    why: 'Without it the master secret is not bound to the handshake, enabling the triple handshake attack on resumption and channel bindings.',
    fix: 'Update the TLS library (OpenSSL 1.1.0+ supports it by default).',
  },
  compression: {
    severity: 'high',
    title: 'TLS compression is enabled',
    why: 'Compressing secrets together with attacker-chosen data leaks them through the record length (CRIME).',
    fix: 'Disable TLS compression (OpenSSL: Options = -Compression, the default since 1.1.0).',
  },
  'certificate-expired': {
    severity: 'critical',
    title: 'The certificate has expired',
    why: 'Clients refuse it; users who click through learn to ignore warnings that would reveal a real attack.',
    fix: 'Renew the certificate and automate renewal (ACME).',
  },
  'certificate-not-yet-valid': {
    severity: 'high',
    title: 'The certificate is not yet valid',
    why: 'Clients refuse it until its notBefore date; often a clock problem on the issuing or serving side.',
    fix: 'Serve a certificate valid now; check the server clock.',
  },
  'certificate-wrong-host': {
    severity: 'high',
    title: 'The certificate does not cover the host name',
    why: 'Clients refuse it: any other certificate from any CA would look the same to a client that ignores the error.',
    fix: 'Serve a certificate whose subjectAltName lists the name clients use.',
  },
  'certificate-self-signed': {
    severity: 'high',
    title: 'The certificate is self-signed',
    why: 'No client trusts it unless configured to: users must click through warnings, which teaches them to accept an attacker’s certificate too.',
    fix: 'Use a certificate from a trusted CA (ACME), or distribute the private root to the clients (--ca to check against it).',
  },
  'certificate-chain-incomplete': {
    severity: 'high',
    title: 'The chain is incomplete: an intermediate certificate is missing',
    why: 'The server sends neither the issuer of its last certificate nor a chain ending at a trust anchor. Clients that cannot fetch the intermediate themselves fail to connect.',
    fix: 'Configure the full chain (leaf then intermediates; OpenSSL: -cert_chain, nginx: fullchain.pem).',
  },
  'certificate-untrusted': {
    severity: 'high',
    title: 'The chain does not lead to a trusted root',
    why: 'Clients refuse it: the issuing CA is not in their trust store.',
    fix: 'Use a certificate from a publicly trusted CA, or check against the private root with --ca.',
  },
  'certificate-invalid': {
    severity: 'high',
    title: 'The chain does not validate',
    why: 'Clients refuse a chain that breaks RFC 5280 (signature, constraints, key usage).',
    fix: 'Reissue the certificate or fix the chain; the detail names the rule broken.',
  },
  'certificate-weak-key': {
    severity: 'high',
    title: 'The certificate key is too small',
    why: 'RSA under 2048 bits and elliptic curves under 256 bits are within reach of factoring or discrete-log attacks; CAs no longer issue them.',
    fix: 'Reissue with RSA 2048+ or ECDSA P-256+.',
  },
  'certificate-sha1': {
    severity: 'medium',
    title: 'A certificate in the chain is signed with SHA-1',
    why: 'SHA-1 collisions are practical (SHAttered, 2017; chosen-prefix 2020): a colliding certificate can be forged.',
    fix: 'Reissue with SHA-256.',
  },
  'certificate-long-validity': {
    severity: 'low',
    title: 'The certificate is valid for more than 398 days',
    why: 'Browsers refuse publicly trusted certificates valid for longer (CA/Browser Forum, 2020): long lifetimes keep compromised keys usable.',
    fix: 'Issue certificates for at most 398 days, ideally 90 with automated renewal.',
  },
  'certificate-no-ocsp-staple': {
    severity: 'low',
    title: 'No OCSP response is stapled',
    why: 'Without a staple clients either skip revocation checking or ask the CA, revealing which sites their users visit.',
    fix: 'Enable OCSP stapling (nginx: ssl_stapling on; Apache: SSLUseStapling on).',
  },
  'certificate-no-sct': {
    severity: 'low',
    title: 'No Certificate Transparency SCTs',
    why: 'Chrome and Safari require SCTs for publicly trusted certificates; they also let the domain owner detect mis-issued certificates.',
    fix: 'Use a CA that embeds SCTs (all public CAs do), or serve them in the TLS extension.',
  },
  'sni-default-certificate-mismatch': {
    severity: 'low',
    title: 'Without SNI the server sends a certificate for another name',
    why: 'Clients that send no SNI (old libraries, some bots and health checks) see a name mismatch; typical of shared hosting where this name is not the default.',
    fix: 'Make this site the default (first) virtual host, or accept that clients without SNI fail.',
  },
} as const satisfies Record<string, FindingText>;

/** A stable finding id. */
export type FindingId = keyof typeof findingCatalogue;

/** One finding of a scan. */
export interface Finding extends FindingText {
  readonly id: FindingId;
  /** What exactly was found: the suites, the certificate, the date. */
  readonly detail: string;
}

/** The finding `id` with `detail`. */
export function finding(id: FindingId, detail: string): Finding {
  return { id, ...findingCatalogue[id], detail };
}

/** Worst first, then by id, so reports and tests see a stable order. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severities.indexOf(a.severity) - severities.indexOf(b.severity) || a.id.localeCompare(b.id),
  );
}
