/**
 * Import cycles between the files of one package, and the folder rule inside a package (issue
 * 16): a cycle means two modules cannot be understood, tested or moved apart, so none is allowed.
 * Type-only imports count too: `ClientConfig` living in the TLS 1.3 client while the TLS 1.2
 * client needs it is the same knot whether or not it survives compilation.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { importSpecifiers } from './dependency-rule.ts';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(?:ts|mts)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** `./x.js` as written in TypeScript sources resolves to `./x.ts` (or `./x/index.ts`). */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    base.replace(/\.(?:m?js)$/, '.ts'),
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** The relative-import graph of the TypeScript files under `srcDir`, keyed by path relative to it. */
export function moduleGraph(srcDir: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(srcDir)) {
    const edges = new Set<string>();
    graph.set(relative(srcDir, file), edges);
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveRelative(file, specifier);
      if (target !== undefined && (target + sep).startsWith(srcDir + sep)) {
        edges.add(relative(srcDir, target));
      }
    }
  }
  return graph;
}

/**
 * The strongly connected components of more than one module (or a module importing itself):
 * each is one knot of cycles. Tarjan's algorithm, iterative over the sorted graph so that the
 * report is stable.
 */
export function importCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const knots: string[][] = [];
  const connect = (node: string): void => {
    indices.set(node, index);
    lowlink.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (!graph.has(next)) continue;
      if (!indices.has(next)) {
        connect(next);
        lowlink.set(node, Math.min(lowlink.get(node)!, lowlink.get(next)!));
      } else if (onStack.has(next)) {
        lowlink.set(node, Math.min(lowlink.get(node)!, indices.get(next)!));
      }
    }
    if (lowlink.get(node) !== indices.get(node)) return;
    const knot: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      knot.push(member);
    } while (member !== node);
    if (knot.length > 1 || graph.get(node)?.has(node)) knots.push(knot.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) connect(node);
  return knots;
}

/**
 * Folder rule inside one package: `forbidden[folder]` lists the folders (relative to `src/`)
 * that files under `folder` must not import. Returns `from -> to` for each breach.
 */
export function folderRuleBreaches(
  graph: ReadonlyMap<string, ReadonlySet<string>>,
  forbidden: Readonly<Record<string, readonly string[]>>,
): string[] {
  const folderOf = (file: string): string => file.split(sep).slice(0, -1).join('/') || '.';
  const breaches: string[] = [];
  for (const [from, targets] of graph) {
    const banned = forbidden[folderOf(from)] ?? [];
    for (const to of targets) {
      if (banned.includes(folderOf(to))) breaches.push(`${from} -> ${to}`);
    }
  }
  return breaches.sort();
}

/** Every workspace source folder that must be free of cycles: packages and tools. */
export function sourceRoots(root: string): string[] {
  const roots: string[] = [];
  for (const group of ['packages', 'tools']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const src = join(dir, name, 'src');
      if (existsSync(src) && statSync(src).isDirectory()) roots.push(src);
    }
  }
  return roots;
}
