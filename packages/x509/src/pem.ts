import { malformed } from './errors.js';

/** One PEM block (RFC 7468). */
export interface PemBlock {
  /** The label between `BEGIN ` and the dashes, e.g. `CERTIFICATE`, `X509 CRL`. */
  readonly label: string;
  readonly der: Uint8Array;
}

const blockPattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

function decodeBase64(text: string): Uint8Array {
  const compact = text.replace(/[\s]+/g, '');
  // RFC 7468 3: strict base64 body; headers (Proc-Type etc.) are not allowed in certificates.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw malformed('PEM: body is not base64');
  }
  const binary = atob(compact);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

const beginPattern = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/**
 * Every PEM block in `text`, in order. Text outside the blocks (comments in a bundle) is ignored,
 * but a BEGIN line without its END line is an error: a truncated file must not silently lose
 * its last certificate (issue 13).
 */
export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(blockPattern)) {
    const label = match[1]!;
    if (match[3] !== label) throw malformed(`PEM: BEGIN ${label} closed by END ${match[3]}`);
    blocks.push({ label, der: decodeBase64(match[2]!) });
  }
  const begins = [...text.matchAll(beginPattern)];
  if (begins.length !== blocks.length) {
    const unclosed = begins.at(-1)?.[1] ?? '';
    throw malformed(`PEM: BEGIN ${unclosed} has no matching END line (is the file truncated?)`);
  }
  return blocks;
}

/**
 * The DER of every `CERTIFICATE` block (or blocks with another `label`) in a PEM text, such as
 * a CA bundle or a server's chain file.
 */
export function parsePem(text: string, label = 'CERTIFICATE'): Uint8Array[] {
  return parsePemBlocks(text)
    .filter((block) => block.label === label)
    .map((block) => block.der);
}
