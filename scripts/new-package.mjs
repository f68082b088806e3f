// Creates the skeleton of a publishable workspace package: node scripts/new-package.mjs NAME "description" [dep ...]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';

const [name, description, ...deps] = process.argv.slice(2);
if (!name || !description) throw new Error('usage: new-package.mjs NAME "description" [dep ...]');
const dir = `packages/${name}`;
if (existsSync(dir)) throw new Error(`${dir} exists`);
mkdirSync(`${dir}/src`, { recursive: true });
mkdirSync(`${dir}/test`, { recursive: true });
const dependencies = Object.fromEntries(
  deps.map((d) => (d.startsWith('@tlskit/') ? [d, 'workspace:^'] : d.split('=')).map(String)),
);
const pkg = {
  name: `@tlskit/${name}`,
  version: '0.0.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  engines: { node: '>=20.19' },
  exports: {
    '.': { 'tlskit-source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
    './package.json': './package.json',
  },
  files: ['dist', 'src', '!src/**/*.test.ts'],
  repository: { type: 'git', url: 'git+https://github.com/tlskit/tlskit.git', directory: dir },
  keywords: ['tls', 'tls13', 'rfc8446'],
  scripts: {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc --noEmit',
    lint: 'biome check .',
    test: 'vitest run && publint --strict && attw --pack . --profile esm-only',
  },
  dependencies,
  publishConfig: { access: 'public' },
};
writeFileSync(`${dir}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  `${dir}/tsconfig.json`,
  `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { types: ['node'] }, include: ['src', 'test'] }, null, 2)}\n`,
);
writeFileSync(
  `${dir}/tsconfig.build.json`,
  `${JSON.stringify({ extends: '../../tsconfig.build.base.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'] }, null, 2)}\n`,
);
writeFileSync(`${dir}/vitest.config.ts`, `export { default } from '../../vitest.shared.ts';\n`);
writeFileSync(`${dir}/src/index.ts`, `export {};\n`);
writeFileSync(`${dir}/README.md`, `# @tlskit/${name}\n\n${description}\n`);
