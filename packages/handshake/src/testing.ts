/**
 * Test seam, not part of the API nor of the package's exports (tests import this file): lets a test make a connection
 * misbehave on the wire the way a hostile peer would, to check how the other side reacts.
 */
import type { HandshakeMessage } from '@tlskit/wire';
import type { Connection } from './core/engine.js';
import { engineOf } from './core/public-connection.js';

/**
 * Makes `connection` send `rewrite(message)` in place of each handshake message it sends. The
 * connection's transcript takes the rewritten bytes, as it would the bytes of a peer that sent
 * them. Returns the raw bytes of each message as sent, through `sent`.
 */
export function rewriteSentHandshake(
  connection: Connection,
  rewrite: (message: HandshakeMessage) => HandshakeMessage,
  sent?: (raw: Uint8Array, message: HandshakeMessage) => void,
): void {
  const engine = engineOf(connection);
  if (engine === undefined) throw new TypeError('not a connection from createClient/createServer');
  const send = engine.sendHandshake.bind(engine);
  engine.sendHandshake = async (message) => {
    const rewritten = rewrite(message);
    const framed = await send(rewritten);
    sent?.(framed.raw, rewritten);
    return framed;
  };
}
