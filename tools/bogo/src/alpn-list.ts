/** The runner's ALPN lists: length-prefixed names, as on the wire, in one flag value. */
import { Unsupported } from './unsupported.js';

/** Protocol names from BoringSSL's wire form: each one prefixed with its length byte. */
export function parseAlpnList(text: string): string[] {
  const bytes = Buffer.from(text, 'latin1');
  const names: string[] = [];
  for (let i = 0; i < bytes.length; ) {
    const length = bytes[i]!;
    if (length === 0 || i + 1 + length > bytes.length) {
      throw new Unsupported('malformed -advertise-alpn list');
    }
    names.push(bytes.subarray(i + 1, i + 1 + length).toString('latin1'));
    i += 1 + length;
  }
  return names;
}
