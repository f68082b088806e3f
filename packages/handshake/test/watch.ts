/** What an engine under test reported: how it closed and which alerts it sent. */
import type { Connection } from '@tlskit/handshake';

export interface Watched {
  conn: Connection;
  closed: { error: Error | undefined } | undefined;
  sentAlerts: number[];
}

/** Starts recording `conn`'s close event and the alerts it sends. */
export function watch(conn: Connection): Watched {
  const w: Watched = { conn, closed: undefined, sentAlerts: [] };
  conn.on('close', (e) => {
    w.closed = e;
  });
  conn.on('alert', (a) => {
    if (a.direction === 'sent') w.sentAlerts.push(a.description);
  });
  return w;
}
