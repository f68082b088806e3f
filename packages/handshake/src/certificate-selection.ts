import type { CertificateEntry } from './options.js';

/** `*.example.com` matches exactly one leftmost label; names compare case-insensitively. */
function hostMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  if (p.startsWith('*.')) {
    const dot = n.indexOf('.');
    return dot > 0 && n.slice(dot + 1) === p.slice(2);
  }
  return p === n;
}

/**
 * The certificates to try for a server_name, best first: entries that name it, then entries
 * for any name. When none fits, every entry (a client may still accept one, e.g. by IP).
 */
export function certificatesFor(
  entries: readonly CertificateEntry[],
  serverName: string | undefined,
): readonly CertificateEntry[] {
  const rank = (e: CertificateEntry): number => {
    if (e.serverNames === undefined) return 1;
    if (serverName === undefined) return 0;
    return e.serverNames.some((n) => hostMatches(n, serverName)) ? 2 : 0;
  };
  const ranked = entries.filter((e) => rank(e) > 0).sort((a, b) => rank(b) - rank(a));
  return ranked.length > 0 ? ranked : entries;
}
