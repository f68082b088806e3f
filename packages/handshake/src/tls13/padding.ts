/**
 * The ClientHello padding extension (RFC 7685) as BoringSSL, NSS and Chrome use it: some
 * middleboxes (F5 BIG-IP, RFC 7685 section 1) hang on a ClientHello whose length is 256..511
 * bytes, so such a hello is padded to 512 bytes.
 */
import { type Extension, ExtensionType } from '@tlskit/wire';

/**
 * `extensions` with a padding extension at the end when `measure(extensions)`, the length of
 * the whole ClientHello message with its 4-byte header (and its pre_shared_key, which goes
 * after the padding), is 256..511: then the hello becomes 512 bytes, or 1 to 4 bytes more
 * when the gap is too small for the extension's own 4-byte header (its body is never empty, as
 * some servers refuse an empty last extension).
 */
export function padClientHello(
  extensions: readonly Extension[],
  measure: (extensions: readonly Extension[]) => number,
): readonly Extension[] {
  const length = measure(extensions);
  if (length < 0x100 || length >= 0x200) return extensions;
  const gap = 0x200 - length;
  return [...extensions, { type: ExtensionType.padding, length: gap >= 5 ? gap - 4 : 1 }];
}
