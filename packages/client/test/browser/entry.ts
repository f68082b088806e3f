/**
 * Browser entry for browser.test.ts: the tlskit client over a WebSocket tunnel, bundled by
 * esbuild for `platform: 'browser'` (a `node:` import anywhere below would fail that bundle).
 */
import { connectStreams, type StreamPair } from '@tlskit/client/streams';
import { nobleProvider } from '@tlskit/crypto';

/** What the page is asked to do: tunnel to `url`, handshake, send `text`, read the echo. */
export interface BrowserRunParams {
  readonly url: string;
  readonly servername: string;
  readonly ca: string;
  readonly text: string;
}

/** What the page reports back (plain data: it crosses the page boundary as JSON). */
export type BrowserRunResult =
  | {
      readonly ok: true;
      readonly version: string;
      readonly cipherSuite: string;
      readonly group: string | undefined;
      readonly echoed: string;
    }
  | { readonly ok: false; readonly code: string | undefined; readonly message: string };

declare global {
  interface Window {
    __tlskitRun: (params: BrowserRunParams) => Promise<BrowserRunResult>;
    __result: BrowserRunResult | undefined;
  }
}

/** Opens a WebSocket and exposes it as the byte stream pair connectStreams() expects. */
async function openTunnel(url: string): Promise<StreamPair> {
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`WebSocket to ${url} failed`)), {
      once: true,
    });
  });
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      socket.addEventListener('message', (event: MessageEvent<ArrayBuffer>) =>
        controller.enqueue(new Uint8Array(event.data)),
      );
      socket.addEventListener('close', () => {
        try {
          controller.close();
        } catch {
          // already closed or errored
        }
      });
      socket.addEventListener('error', () => {
        try {
          controller.error(new Error('WebSocket error'));
        } catch {
          // already closed
        }
      });
    },
  });
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) => socket.send(chunk),
    close: () => socket.close(),
    abort: () => socket.close(),
  });
  return { readable, writable };
}

async function run(params: BrowserRunParams): Promise<BrowserRunResult> {
  const tls = await connectStreams(await openTunnel(params.url), {
    servername: params.servername,
    ca: params.ca,
    provider: nobleProvider,
  });
  const writer = tls.writable.getWriter();
  await writer.write(new TextEncoder().encode(params.text));
  const reader = tls.readable.getReader();
  const decoder = new TextDecoder();
  let echoed = '';
  // Bounded: the echo may arrive split across records, but never in more than a few.
  for (let i = 0; i < 32 && echoed.length < params.text.length; i++) {
    const { value, done } = await reader.read();
    if (done) break;
    echoed += decoder.decode(value, { stream: true });
  }
  await writer.close();
  const { version, cipherSuite, group } = tls.info;
  return { ok: true, version, cipherSuite, group, echoed };
}

window.__tlskitRun = async (params) => {
  let result: BrowserRunResult;
  try {
    result = await run(params);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    result = {
      ok: false,
      code: typeof code === 'string' ? code : undefined,
      message: String(error),
    };
  }
  window.__result = result;
  return result;
};
