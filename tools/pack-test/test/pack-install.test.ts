/**
 * A new user's first ten minutes, outside the workspace: the packed tarballs installed by npm
 * into an empty project, each package README's example run there as JavaScript (.mjs) and
 * type-checked as TypeScript under `tsc --strict` (nodenext and bundler resolution), and the
 * installed `tlskit` bin (`npx tlskit connect`) talking to a node:tls server.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { interopCerts, runPeer, spawnPeer, stopAllPeers } from '@tlskit/interop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installProject,
  packAll,
  publishablePackages,
  readmeExample,
  toJavaScript,
  tsconfigs,
  typecheck,
} from '../src/pack.js';

const root = resolve(import.meta.dirname, '../../..');
const packages = publishablePackages(root);
const work = join(tmpdir(), `tlskit-pack-test-${process.pid}`);
const project = join(work, 'project');
const certs = interopCerts();

/** The examples: package folder name -> the README's first ```ts block. */
const examples = new Map<string, string>();
for (const pkg of packages) {
  const example = readmeExample(readFileSync(join(pkg.dir, 'README.md'), 'utf8'));
  if (example !== undefined) examples.set(basename(pkg.dir), example);
}

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  const tarballs = await packAll(packages, join(work, 'tarballs'));
  await installProject(project, tarballs);
  // The files the examples read, named as the READMEs name them.
  const ecdsa = certs.server.ecdsaP256;
  const files: Record<string, string> = {
    'ca.crt': certs.ca.cert.file,
    'server.crt': ecdsa.chain.file,
    'server.key': ecdsa.key.file,
    'ecdsa.crt': ecdsa.chain.file,
    'ecdsa.key': ecdsa.key.file,
    'rsa.crt': certs.server.rsa2048.chain.file,
    'rsa.key': certs.server.rsa2048.key.file,
    'chain.pem': ecdsa.chain.file,
  };
  for (const [name, from] of Object.entries(files)) copyFileSync(from, join(project, name));
  mkdirSync(join(project, 'examples'), { recursive: true });
  for (const [name, source] of examples) {
    writeFileSync(join(project, 'examples', `${name}.ts`), source);
    writeFileSync(join(project, 'examples', `${name}.mjs`), toJavaScript(source));
  }
}, 170_000);

afterAll(async () => {
  await stopAllPeers();
  rmSync(work, { recursive: true, force: true });
});

it('packs every publishable package, the CLI included, and each README has an example', () => {
  expect(packages.map((p) => p.name)).toContain('@tlskit/cli');
  const withoutExample = packages
    .map((p) => basename(p.dir))
    .filter((name) => name !== 'cli' && !examples.has(name));
  expect(withoutExample).toEqual([]);
});

describe.each(Object.keys(tsconfigs) as (keyof typeof tsconfigs)[])(
  'the README examples under tsc --strict, moduleResolution %s',
  (resolution) => {
    it('type-check against the installed packages', async () => {
      const files = [...examples.keys()].map((name) => `examples/${name}.ts`);
      expect(await typecheck(project, files, resolution)).toBe('');
    }, 120_000);
  },
);

/** Runs examples/NAME.mjs in the project (bounded) and returns its exit code and output. */
function runExample(name: string, timeoutMs = 20_000) {
  return runPeer(process.execPath, [`examples/${name}.mjs`], { cwd: project, timeoutMs });
}

describe('the README examples run as .mjs', () => {
  it('wire: decodes the ClientHello', async () => {
    const run = await runExample('wire');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('TLS_AES_128_GCM_SHA256');
  });

  it('crypto: hashes, seals, exchanges keys and signs', async () => {
    const run = await runExample('crypto');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('true');
  });

  it('key-schedule: derives traffic keys and a key log line', async () => {
    const run = await runExample('key-schedule');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^16 12\nCLIENT_TRAFFIC_SECRET_0 0{64} [0-9a-f]{64}\n/);
  });

  it('record: protects and reads back records', async () => {
    const run = await runExample('record');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hello');
  });

  it('handshake: a client and a server complete a handshake in memory', async () => {
    const run = await runExample('handshake');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/TLSv1\.3/);
    expect(run.stdout).toContain('hello');
  });

  it('x509: validates a chain (ours is for localhost, not example.com, from our own CA)', async () => {
    const run = await runExample('x509');
    // Node's Mozilla roots do not include the test CA: the example reports a typed error.
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/ERR_CERT_[A-Z_]+/);
  });

  it('client: connects (or reports a coded error where there is no network) and exits', async () => {
    const run = await runExample('client', 30_000);
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/TLSv1\.3|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/);
  });

  it('server: answers a node:tls client with the example text', async () => {
    // The example listens on 8443; a free port keeps parallel runs apart.
    const port = await freePort();
    const source = readFileSync(join(project, 'examples/server.mjs'), 'utf8');
    writeFileSync(join(project, 'examples/server-port.mjs'), source.replace('8443', String(port)));
    const server = spawnPeer(process.execPath, ['examples/server-port.mjs'], { cwd: project });
    try {
      const reply = await retry(() => readReply(port), 10_000);
      expect(reply).toMatch(/^hello over TLSv1\.3 with TLS_AES_128_GCM_SHA256\n$/);
    } finally {
      await server.stop();
    }
  });
});

describe('the installed tlskit bin', () => {
  it('npx tlskit connect 127.0.0.1:PORT talks to a node:tls server', async () => {
    const ecdsa = certs.server.ecdsaP256;
    const server = createTlsServer({ key: ecdsa.key.pem, cert: ecdsa.chain.pem }, (socket) => {
      socket.on('error', () => {});
      socket.pipe(socket);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const run = await runPeer(
        'npx',
        ['--no-install', 'tlskit', 'connect', '--ca', 'ca.crt', '--servername', 'localhost'].concat(
          `127.0.0.1:${port}`,
        ),
        { cwd: project, input: 'ping through the installed bin\n', timeoutMs: 30_000 },
      );
      expect(run.stderr).toMatch(/TLSv1\.3/);
      expect(run.stdout).toBe('ping through the installed bin\n');
      expect(run.code).toBe(0);
    } finally {
      server.close();
    }
  });
});

function freePort(): Promise<number> {
  const probe = createTlsServer();
  return new Promise((done) =>
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    }),
  );
}

/** Connects with node:tls, trusting the test CA, and collects everything until the end. */
function readReply(port: number): Promise<string> {
  return new Promise((done, fail) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: certs.ca.cert.pem,
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => done(text));
    socket.on('error', fail);
    socket.setTimeout(5000, () => socket.destroy(new Error('no reply in 5 s')));
  });
}

/** Retries `attempt` until it resolves or `withinMs` passes (the server may still be starting). */
async function retry<T>(attempt: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((wait) => setTimeout(wait, 200));
    }
  }
}
