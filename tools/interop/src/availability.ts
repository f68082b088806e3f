/**
 * Which peers this machine has. Tests skip, loudly and with the reason, only when a peer is
 * missing on a developer machine; under CI (`CI` set), where .ci/run installs every peer, a
 * missing peer is an error instead, so the interop suite can never pass by skipping.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** A peer (or capability) an interop test can need. */
export type PeerName = 'openssl' | 'gnutls' | 'curl' | 'tshark' | 'netns';

function runs(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  return result.error === undefined && result.status === 0;
}

function onPath(program: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    try {
      accessSync(`${dir}/${program}`, constants.X_OK);
      return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

const checks: Record<PeerName, () => string | undefined> = {
  openssl: () => (onPath('openssl') ? undefined : 'openssl is not installed'),
  gnutls: () =>
    onPath('gnutls-serv') && onPath('gnutls-cli')
      ? undefined
      : 'gnutls-serv/gnutls-cli are not installed (apt-get install gnutls-bin)',
  curl: () => (onPath('curl') ? undefined : 'curl is not installed'),
  tshark: () => {
    if (!onPath('tshark') || !onPath('dumpcap')) {
      return 'tshark/dumpcap are not installed (apt-get install tshark)';
    }
    // Capturing needs root or the dumpcap capabilities; `-D` lists only usable interfaces.
    const list = spawnSync('dumpcap', ['-D'], { encoding: 'utf8', timeout: 10_000 });
    return /\blo\b/.test(list.stdout ?? '')
      ? undefined
      : 'dumpcap cannot capture on lo (run as root or grant dumpcap cap_net_raw,cap_net_admin)';
  },
  netns: () =>
    runs('unshare', ['-n', 'ip', 'link', 'set', 'lo', 'up'])
      ? undefined
      : 'unshare -n is not permitted (needs root or unprivileged user namespaces) or ip is missing',
};

const cache = new Map<PeerName, string | undefined>();

/** Why `peer` cannot be used here, or undefined when it can. Checked once per process. */
export function peerMissing(peer: PeerName): string | undefined {
  if (!cache.has(peer)) cache.set(peer, checks[peer]());
  return cache.get(peer);
}

/**
 * The reasons the given peers cannot be used, joined, or undefined when all can. Use it as
 * `describe.skipIf(missingPeers('gnutls', 'netns'))(...)`. Under CI it throws instead of
 * returning a reason, and on a developer machine it prints the reason once.
 */
export function missingPeers(...peers: readonly PeerName[]): string | undefined {
  const reasons = peers.map(peerMissing).filter((r): r is string => r !== undefined);
  if (reasons.length === 0) return undefined;
  const reason = reasons.join('; ');
  if (process.env.CI) throw new Error(`interop peer missing under CI: ${reason}`);
  console.warn(`[tlskit interop] skipping: ${reason}`);
  return reason;
}

/** True when gnutls-serv and gnutls-cli are installed. */
export const hasGnutls = (): boolean => peerMissing('gnutls') === undefined;
/** True when curl is installed. */
export const hasCurl = (): boolean => peerMissing('curl') === undefined;
/** True when tshark and dumpcap are installed and can capture on lo. */
export const hasTshark = (): boolean => peerMissing('tshark') === undefined;
/** True when `unshare -n` works (needed for gnutls-serv). */
export const hasNetns = (): boolean => peerMissing('netns') === undefined;

/** First line of each peer's version output, for test names and reports. */
export function peerVersions(): Record<string, string> {
  const first = (command: string, args: readonly string[]): string => {
    const r = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
    return (r.stdout ?? '').split('\n')[0]?.trim() || 'not installed';
  };
  return {
    openssl: first('openssl', ['version']),
    gnutls: first('gnutls-cli', ['--version']),
    curl: first('curl', ['--version']),
    tshark: first('tshark', ['--version']),
    node: `node ${process.version} (OpenSSL ${process.versions.openssl})`,
  };
}
