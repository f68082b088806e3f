/**
 * The dependency rule of docs/architecture.md, as code: which workspace package may import
 * which, no cycles, and no import into another package's files (only its `exports`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Allowed direct dependencies between workspace packages (folder names under packages/). Only
 * `dependencies`, `peerDependencies` and `src/` imports are checked: tests may use the private
 * tools packages (the `@tlskit/interop` test harness) as devDependencies, which never reach a
 * published package at run time, while a runtime dependency on one is a violation (no rule
 * allows it).
 */
export const allowedDependencies: Readonly<Record<string, readonly string[]>> = {
  wire: [],
  crypto: ['wire'],
  'key-schedule': ['crypto', 'wire'],
  record: ['crypto', 'wire'],
  x509: ['crypto', 'wire'],
  handshake: ['record', 'key-schedule', 'x509', 'crypto', 'wire'],
  client: ['handshake', 'record', 'key-schedule', 'x509', 'crypto', 'wire'],
  // The server reuses the client's TLSSocket (one Duplex over an engine), as node:tls does.
  server: ['client', 'handshake', 'record', 'key-schedule', 'x509', 'crypto', 'wire'],
  // The command line sits on top: it uses every public entry point, and nothing imports it.
  cli: ['server', 'client', 'handshake', 'x509', 'crypto', 'wire'],
};

export interface Violation {
  readonly file: string;
  readonly rule:
    | 'upward-or-undeclared'
    | 'cycle'
    | 'into-src'
    | 'escapes-package'
    | 'unknown-package'
    | 'undeclared-external';
  readonly detail: string;
}

const scope = '@tlskit/';
const importPattern =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(?:ts|mts|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every module specifier imported or re-exported by a source text. */
export function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier) found.push(specifier);
  }
  return found;
}

/**
 * Checks every package under `root/packages`: its `src/` imports and its package.json
 * dependencies against `rules`, and the resulting graph for cycles.
 */
export function checkDependencyRule(
  root: string,
  rules: Readonly<Record<string, readonly string[]>> = allowedDependencies,
): Violation[] {
  const violations: Violation[] = [];
  const packagesDir = join(root, 'packages');
  const packages = readdirSync(packagesDir).filter((name) =>
    statSync(join(packagesDir, name)).isDirectory(),
  );
  const graph = new Map<string, Set<string>>();

  for (const name of packages) {
    const packageDir = join(packagesDir, name);
    const edges = new Set<string>();
    graph.set(name, edges);
    const allowed = rules[name];
    if (!allowed) {
      violations.push({ file: packageDir, rule: 'unknown-package', detail: `no rule for ${name}` });
      continue;
    }
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    const declared = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
    const check = (file: string, target: string, via: string): void => {
      edges.add(target);
      if (!allowed.includes(target)) {
        violations.push({
          file,
          rule: 'upward-or-undeclared',
          detail: `${name} -> ${target} (${via})`,
        });
      }
    };
    for (const dep of declared) {
      if (dep.startsWith(scope))
        check(join(packageDir, 'package.json'), dep.slice(scope.length), 'package.json');
    }
    const srcDir = join(packageDir, 'src');
    for (const file of sourceFiles(srcDir)) {
      for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          if (!(target + sep).startsWith(packageDir + sep)) {
            violations.push({
              file,
              rule: 'escapes-package',
              detail: `${specifier} resolves outside ${relative(root, packageDir)}`,
            });
          }
        } else if (specifier.startsWith(scope)) {
          const [target, ...rest] = specifier.slice(scope.length).split('/');
          if (!target) continue;
          if (rest[0] === 'src' || rest[0] === 'dist') {
            violations.push({
              file,
              rule: 'into-src',
              detail: `${specifier} bypasses the exports map`,
            });
          }
          if (!declared.includes(scope + target)) {
            violations.push({
              file,
              rule: 'upward-or-undeclared',
              detail: `${specifier} is not declared in package.json`,
            });
          }
          check(file, target, specifier);
        } else if (!specifier.startsWith('node:')) {
          // A third-party import must be a declared dependency of this package (noble only in
          // crypto, asn1js only in x509), or publishing would break it.
          const bare = specifier.startsWith('@')
            ? specifier.split('/').slice(0, 2).join('/')
            : specifier.split('/')[0];
          if (bare && !declared.includes(bare)) {
            violations.push({
              file,
              rule: 'undeclared-external',
              detail: `${specifier} is not a dependency of ${name}`,
            });
          }
        }
      }
    }
  }

  // Depth-first search for a cycle in the graph as it really is (declared and imported edges).
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(node)), node].join(' -> ');
      violations.push({ file: join(packagesDir, node), rule: 'cycle', detail: cycle });
      return;
    }
    state.set(node, 'visiting');
    for (const next of graph.get(node) ?? []) if (graph.has(next)) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  return violations;
}
