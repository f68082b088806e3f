/**
 * A write to a peer that has gone fails inside the TLSSocket's flush; the error it raises carries
 * no formatted stack (issue 14: formatting the EPIPE stacks of a server's ticket writes was 4% of
 * its CPU under `openssl s_time`). The error itself reaches the application unchanged.
 */
import { once } from 'node:events';
import { Duplex } from 'node:stream';
import { interopCerts } from '@tlskit/interop';
import { describe, expect, it } from 'vitest';
import { connect } from '../src/index.js';

const credential = interopCerts().server.ecdsaP256;

/** A transport whose every write fails at once, as a socket to a closed peer (EPIPE). */
function brokenPipe(): Duplex {
  const fail = (callback: (error: Error) => void) =>
    callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  return new Duplex({
    read() {},
    write: (_chunk, _encoding, callback) => fail(callback),
    writev: (_chunks, callback) => fail(callback),
  });
}

describe('write errors', () => {
  it('reports a failed flush with its code and without stack frames', async () => {
    const before = Error.stackTraceLimit;
    const socket = connect({
      socket: brokenPipe(),
      servername: 'localhost',
      ca: credential.ca.pem,
    });
    const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('EPIPE');
    expect(error.stack).toBe('Error: write EPIPE');
    // The limit is the application's again once the flush is over.
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('x').stack).toMatch(/\n\s+at /);
  });
});
