import { type CryptoProvider, createNobleProvider } from '@tlskit/crypto';
import { createNodeProvider } from '@tlskit/crypto/node';
import { createWebCryptoProvider } from '@tlskit/crypto/webcrypto';
import { ContentType } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import {
  type RecordEvent,
  RecordDeframer,
  RecordReader,
  RecordWriter,
  Tls13RecordProtection,
} from '../src/index.js';
import { loadTraces, type Trace, type TrafficKey } from './rfc8448.js';
import { drain } from './drain.js';

const traces = loadTraces();

/**
 * Every crypto provider (issue 7). TLS 1.3 record protection draws no randomness (the nonce is
 * the IV XOR the sequence number, RFC 8446 5.3), so each provider must reproduce the recorded
 * bytes exactly.
 */
const PROVIDERS: readonly (readonly [string, CryptoProvider])[] = [
  ['noble', createNobleProvider()],
  ['node', createNodeProvider()],
  ['webcrypto', createWebCryptoProvider()],
];

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** Which key protects each recorded run of client and server records, in sending order. */
function encryptedRuns(trace: Trace): { name: string; key: TrafficKey; records: string[] }[] {
  const has = (name: string) => trace.values.has(name);
  const client: string[] = ['Record_Client_AppData', 'Record_Client_CloseNotify'].filter(has);
  const server: string[] = [
    'Record_NewSessionTicket',
    'Record_Server_AppData',
    'Record_Server_CloseNotify',
  ].filter(has);
  const runs = [
    {
      name: 'server handshake',
      key: trace.serverHandshake,
      records: ['Record_ServerHandshakeMessages'],
    },
    { name: 'client handshake', key: trace.clientHandshake, records: ['Record_ClientFinished'] },
    { name: 'client application', key: trace.clientApplication, records: client },
    { name: 'server application', key: trace.serverApplication, records: server },
  ];
  if (trace.clientEarly && has('Record_Client_EarlyAppData')) {
    runs.push({
      name: 'client early',
      key: trace.clientEarly,
      records: ['Record_Client_EarlyAppData'],
    });
  }
  return runs;
}

describe('RFC 8448 traces', () => {
  it('covers all seven traces', () => {
    expect(traces.map((t) => t.name)).toHaveLength(7);
  });
});

describe.each(PROVIDERS)('RFC 8448 traces (%s provider)', (_name, provider) => {
  function protection(trace: Trace, key: TrafficKey): Promise<Tls13RecordProtection> {
    return Tls13RecordProtection.create(provider, trace.aead, key.key, key.iv);
  }

  for (const trace of traces) {
    describe(trace.name, () => {
      it('decrypts every encrypted record and re-encrypts it byte for byte', async () => {
        let checked = 0;
        for (const run of encryptedRuns(trace)) {
          const opener = await protection(trace, run.key);
          const sealer = await protection(trace, run.key);
          const deframer = new RecordDeframer();
          // Records of the 0-RTT client flight: EndOfEarlyData under the early key comes first.
          let input = concat(run.records.map((name) => trace.get(name)));
          if (run.name === 'client early')
            input = concat([input, firstRecord(trace.get('Record_ClientFinished'))]);
          if (
            run.name === 'client handshake' &&
            trace.clientEarly &&
            trace.values.has('Record_Client_EarlyAppData')
          ) {
            input = input.subarray(firstRecord(input).length);
          }
          deframer.push(input);
          for (let raw = deframer.next(); raw !== undefined; raw = deframer.next()) {
            if (raw.contentType === ContentType.changeCipherSpec) continue;
            const opened = await opener.open(raw.header, raw.payload);
            const padding = raw.payload.length - 16 - 1 - opened.fragment.length;
            const resealed = await sealer.seal(opened.contentType, opened.fragment, padding);
            expect(Buffer.from(resealed).toString('hex')).toBe(
              Buffer.from(concat([raw.header, raw.payload])).toString('hex'),
            );
            checked++;
          }
        }
        expect(checked).toBeGreaterThanOrEqual(4);
      });

      it('reads the server flight as the recorded messages through RecordReader', async () => {
        const reader = new RecordReader();
        reader.ignoreChangeCipherSpec = true;
        reader.feed(trace.get('Record_ServerHello'));
        expect(await reader.read()).toEqual({
          type: 'handshake',
          message: trace.get('Message_ServerHello'),
        });
        expect(await reader.read()).toBeUndefined();
        reader.setProtection(await protection(trace, trace.serverHandshake));
        reader.feed(trace.get('Record_ServerHandshakeMessages'));
        const messages = await drain(reader);
        expect(messages).toEqual(
          trace.serverFlight.map((message) => ({ type: 'handshake', message })),
        );
        expect(hexOf(messages, 0)).toBe(
          Buffer.from(trace.get('Message_EncryptedExtensions')).toString('hex'),
        );
        // The 0-RTT trace's server flight is not the RFC's (see rfcResumedServerFlight).
        if (!trace.name.startsWith('Resumed')) {
          expect(hexOf(messages, messages.length - 1)).toBe(
            Buffer.from(trace.get('Message_Server_Finished')).toString('hex'),
          );
        }

        reader.setProtection(await protection(trace, trace.serverApplication));
        for (const name of [
          'Record_NewSessionTicket',
          'Record_Server_AppData',
          'Record_Server_CloseNotify',
        ]) {
          if (trace.values.has(name)) reader.feed(trace.get(name));
        }
        const events = await drain(reader);
        const expected: RecordEvent[] = [];
        if (trace.values.has('Record_NewSessionTicket'))
          expect(events.shift()?.type).toBe('handshake');
        if (trace.values.has('Server_AppData')) {
          expected.push({ type: 'applicationData', data: trace.get('Server_AppData') });
        }
        expected.push({ type: 'alert', level: 1, description: 0 });
        expect(events).toEqual(expected);
      });

      it('reads the client flights as the recorded messages through RecordReader', async () => {
        const reader = new RecordReader();
        reader.feed(trace.get('Record_ClientHello_1'));
        const hello = await reader.read();
        expect(hello?.type).toBe('handshake');
        reader.ignoreChangeCipherSpec = true;
        if (trace.values.has('Record_ClientHello_2')) {
          reader.feed(trace.get('Record_ClientHello_2'));
          expect((await reader.read())?.type).toBe('handshake');
        }
        const early = trace.clientEarly && trace.values.has('Record_Client_EarlyAppData');
        if (early && trace.clientEarly) {
          reader.setProtection(await protection(trace, trace.clientEarly));
          reader.feed(trace.get('Record_Client_EarlyAppData'));
          expect(await reader.read()).toEqual({
            type: 'applicationData',
            data: trace.get('Client_EarlyAppData'),
          });
          reader.feed(trace.get('Record_ClientFinished'));
          const endOfEarlyData = await reader.read();
          expect(endOfEarlyData).toEqual({ type: 'handshake', message: trace.clientFlight[0] });
          reader.setProtection(await protection(trace, trace.clientHandshake));
        } else {
          reader.setProtection(await protection(trace, trace.clientHandshake));
          reader.feed(trace.get('Record_ClientFinished'));
        }
        const flight = await drain(reader);
        expect(flight).toEqual(
          trace.clientFlight
            .slice(early ? 1 : 0)
            .map((message) => ({ type: 'handshake', message })),
        );

        reader.setProtection(await protection(trace, trace.clientApplication));
        if (trace.values.has('Record_Client_AppData'))
          reader.feed(trace.get('Record_Client_AppData'));
        reader.feed(trace.get('Record_Client_CloseNotify'));
        const events = await drain(reader);
        const expected: RecordEvent[] = [];
        if (trace.values.has('Client_AppData')) {
          expected.push({ type: 'applicationData', data: trace.get('Client_AppData') });
        }
        expected.push({ type: 'alert', level: 1, description: 0 });
        expect(events).toEqual(expected);
      });

      it('writes the server flight and application records byte for byte with RecordWriter', async () => {
        const writer = new RecordWriter();
        const serverHello = await writer.writeHandshake(trace.get('Message_ServerHello'));
        expect(hex(serverHello)).toBe(
          Buffer.from(trace.get('Record_ServerHello'))
            .toString('hex')
            .slice(-hex(serverHello).length),
        );
        writer.setProtection(await protection(trace, trace.serverHandshake));
        const out: Promise<Uint8Array[]>[] = [];
        const recorded = trace.get('Record_ServerHandshakeMessages');
        // Middlebox compatibility mode sends its ChangeCipherSpec first (RFC 8446 appendix D.4).
        if (recorded[0] === ContentType.changeCipherSpec) out.push(writer.writeChangeCipherSpec());
        out.push(writer.writeHandshake(concat(trace.serverFlight)));
        expect(hex((await Promise.all(out)).flat())).toBe(Buffer.from(recorded).toString('hex'));

        writer.setProtection(await protection(trace, trace.serverApplication));
        const appRecords: Uint8Array[] = [];
        if (trace.values.has('Record_NewSessionTicket')) {
          const ticket = (
            await (
              await protection(trace, trace.serverApplication)
            ).open(
              trace.get('Record_NewSessionTicket').subarray(0, 5),
              trace.get('Record_NewSessionTicket').subarray(5),
            )
          ).fragment;
          appRecords.push(...(await writer.writeHandshake(ticket)));
        }
        if (trace.values.has('Server_AppData')) {
          appRecords.push(...(await writer.writeApplicationData(trace.get('Server_AppData'))));
        }
        appRecords.push(...(await writer.writeAlert(1, 0)));
        const expected = [
          'Record_NewSessionTicket',
          'Record_Server_AppData',
          'Record_Server_CloseNotify',
        ]
          .filter((name) => trace.values.has(name))
          .map((name) => Buffer.from(trace.get(name)).toString('hex'))
          .join('');
        expect(hex(appRecords)).toBe(expected);
      });
    });
  }
});

function firstRecord(records: Uint8Array): Uint8Array {
  return records.subarray(0, 5 + ((records[3]! << 8) | records[4]!));
}

function hex(records: readonly Uint8Array[]): string {
  return Buffer.concat(records).toString('hex');
}

function hexOf(events: readonly RecordEvent[], index: number): string {
  const event = events[index];
  return event?.type === 'handshake' ? Buffer.from(event.message).toString('hex') : '';
}
