/**
 * Trust stores built from a `ca` option, kept across connections. node:tls users pass the same
 * PEM text to every `connect()`; parsing it (and hashing each anchor for the store's index) on
 * every handshake was several percent of a handshake's CPU time.
 */
import { TrustStore } from '@tlskit/x509';
import { loadTrustAnchors, type PemInput } from './credentials.js';

/** Distinct PEM texts remembered; past this the oldest is dropped. */
const maxTextEntries = 32;
const byText = new Map<string, TrustStore>();
const byObject = new WeakMap<object, TrustStore>();

/**
 * The trust store for a `ca` option: the same text, or the same Buffer or array object, gives
 * the same store. (Mutating a `ca` array after passing it is not noticed; pass a new array.)
 */
export function trustStoreFor(ca: PemInput | readonly PemInput[]): TrustStore {
  if (typeof ca === 'string') {
    let store = byText.get(ca);
    if (store === undefined) {
      store = new TrustStore(loadTrustAnchors(ca));
      if (byText.size >= maxTextEntries) byText.delete(byText.keys().next().value as string);
      byText.set(ca, store);
    }
    return store;
  }
  let store = byObject.get(ca);
  if (store === undefined) {
    store = new TrustStore(loadTrustAnchors(ca));
    byObject.set(ca, store);
  }
  return store;
}
