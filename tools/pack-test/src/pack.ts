/**
 * What a new user does with tlskit, done by a test: pack every workspace package, install the
 * tarballs into an empty project outside the workspace with npm, and take each package README's
 * example as it is written.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';

const run = promisify(execFile);

/** A publishable workspace package: its folder and its manifest name. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly name: string;
}

/** Every package under `root/packages` that is not private. */
export function publishablePackages(root: string): WorkspacePackage[] {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir)
    .map((folder) => join(packagesDir, folder))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ dir, name: manifest.name as string }));
}

/**
 * `pnpm pack`s each package into `destination` (pnpm turns `workspace:^` into real version
 * ranges, as `pnpm publish` does) and returns the tarball paths.
 */
export async function packAll(
  packages: readonly WorkspacePackage[],
  destination: string,
): Promise<string[]> {
  mkdirSync(destination, { recursive: true });
  const tarballs: string[] = [];
  for (const pkg of packages) {
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', destination], {
      cwd: pkg.dir,
    });
    // pnpm prints the file list, then the tarball's path on the last line.
    const path = stdout.trim().split('\n').at(-1)?.trim();
    if (!path?.endsWith('.tgz')) throw new Error(`pnpm pack in ${pkg.dir} printed ${stdout}`);
    tarballs.push(path);
  }
  return tarballs;
}

/**
 * An empty ESM project at `dir` with the tarballs (and @types/node, for the TypeScript check)
 * installed by npm, as a user outside the workspace would. Prefers the npm cache to the network.
 */
export async function installProject(dir: string, tarballs: readonly string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'tlskit-user', private: true, type: 'module' }, null, 2)}\n`,
  );
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...tarballs,
      '@types/node@^20.19.0',
    ],
    { cwd: dir, timeout: 120_000 },
  );
}

/** The first ```ts block of a README: its example. */
export function readmeExample(readme: string): string | undefined {
  return /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
}

/** The example with its types stripped, as the .mjs a JavaScript user would write. */
export function toJavaScript(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  }).outputText;
}

/** The two ways a TypeScript user resolves packages, each with `--strict`. */
export const tsconfigs = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'preserve', moduleResolution: 'bundler' },
} as const;

/**
 * Type-checks `files` in `dir` under `tsc --strict` with the given resolution; resolves with
 * tsc's output (empty when clean). `tsc` is the workspace's TypeScript.
 */
export async function typecheck(
  dir: string,
  files: readonly string[],
  resolution: keyof typeof tsconfigs,
): Promise<string> {
  const tsconfig = `tsconfig.${resolution}.json`;
  writeFileSync(
    join(dir, tsconfig),
    JSON.stringify({
      compilerOptions: {
        ...tsconfigs[resolution],
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      },
      files,
    }),
  );
  const tsc = join(import.meta.dirname, '../node_modules/typescript/bin/tsc');
  try {
    await run(process.execPath, [tsc, '-p', tsconfig], { cwd: dir, timeout: 120_000 });
    return '';
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}` || String(error);
  }
}
