import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureFields,
  curlRequest,
  decryptedText,
  freePort,
  interopCerts,
  missingPeers,
  nodeTlsExchange,
  startCapture,
  startNodeTlsServer,
  startOpensslServer,
  stopAllPeers,
  tempDir,
} from '../src/index.js';

afterEach(stopAllPeers);

const certs = interopCerts();
const skip = missingPeers('tshark', 'curl');

describe.skipIf(skip)(
  `tshark decrypts loopback captures with a key log${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('decrypts TLS 1.3 traffic with the key log openssl s_server wrote, and not without it', async () => {
      const keylogFile = join(tempDir(), 'openssl-tls13.keylog');
      const port = await freePort();
      const capture = await startCapture({ port });
      // The capture filter needs the port first, so the server gets the one captured.
      const server = await startOpensslServer({
        credential: certs.server.ecdsaP256,
        mode: 'www',
        keylogFile,
        port,
      });
      const result = await curlRequest({
        port: server.port,
        ca: certs.ca.cert,
        path: '/decrypt-me-1.3',
        http: 'http1.1',
      });
      expect(result.status).toBe(200);
      const pcap = await capture.stop();
      expect(readFileSync(keylogFile, 'utf8')).toMatch(/^CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} /m);

      const text = await decryptedText({ pcap, keylogFile, port });
      expect(text).toContain('GET /decrypt-me-1.3 HTTP/1.1');
      expect(text).toContain('HTTP/1.0 200 ok');
      const uris = await captureFields({
        pcap,
        keylogFile,
        port,
        filter: 'http.request',
        fields: ['http.request.uri'],
      });
      expect(uris).toEqual([['/decrypt-me-1.3']]);

      expect(await decryptedText({ pcap, port })).not.toContain('decrypt-me');
    });

    it('decrypts TLS 1.2 traffic with the key log of a node:tls client', async () => {
      const keylogFile = join(tempDir(), 'node-tls12.keylog');
      const server = await startNodeTlsServer({
        cert: certs.server.rsa2048.chain.pem,
        key: certs.server.rsa2048.key.pem,
        maxVersion: 'TLSv1.2',
      });
      const capture = await startCapture({ port: server.port });
      const result = await nodeTlsExchange({
        port: server.port,
        ca: certs.ca.cert.pem,
        keylogFile,
        send: 'a secret over tls 1.2\n',
        expect: 'a secret over tls 1.2',
      });
      expect(result.connection?.protocol).toBe('TLSv1.2');
      const pcap = await capture.stop();
      expect(readFileSync(keylogFile, 'utf8')).toMatch(
        /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/m,
      );
      expect(await decryptedText({ pcap, keylogFile, port: server.port })).toContain(
        'a secret over tls 1.2',
      );
    });
  },
);
