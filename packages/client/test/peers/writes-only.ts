/**
 * A client that writes one line and never ends its side: run as its own process, it must exit by
 * itself once the server closes (node:tls's allowHalfOpen false). Prints each socket event.
 * argv: port, CA file, 'tlskit' | 'node'.
 */
import { readFileSync } from 'node:fs';
import { connect as nodeConnect } from 'node:tls';
import { connect } from '../../src/index.js';

const [port, caFile, which] = process.argv.slice(2);
const options = {
  host: '127.0.0.1',
  port: Number(port),
  servername: 'tlskit.test',
  ca: readFileSync(caFile ?? '', 'utf8'),
};
const socket = which === 'node' ? nodeConnect(options) : connect(options);
socket.on('secureConnect', () => socket.write('ping\n'));
socket.on('data', () => process.stdout.write('data\n'));
socket.on('end', () => process.stdout.write('end\n'));
socket.on('close', () => process.stdout.write('close\n'));
socket.on('error', (error: Error & { code?: string }) =>
  process.stdout.write(`error ${error.code}\n`),
);
