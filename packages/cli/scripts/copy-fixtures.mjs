// Build step: copies the ClientHellos `tlskit demo --clienthello` shows from
// packages/wire/test/fixtures into dist/fixtures, so the published package carries them.
import { copyFileSync, mkdirSync } from 'node:fs';

const from = new URL('../../wire/test/fixtures/', import.meta.url);
const to = new URL('../dist/fixtures/', import.meta.url);
const names = ['chromium', 'openssl-s_client', 'openssl-s_client-tls12', 'gnutls-cli', 'node-tls'];

mkdirSync(to, { recursive: true });
for (const name of names) copyFileSync(new URL(`${name}.hex`, from), new URL(`${name}.hex`, to));
