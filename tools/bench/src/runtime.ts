/**
 * How this process loads tlskit, so that child processes (memory, profile) load it the same way:
 * from the built `dist/` JavaScript, which is what users run and what `pnpm bench` measures, or
 * from the TypeScript sources under the `tlskit-source` condition (tests, development). Sources go
 * through tsx, whose `keepNames` helper alone showed up at about 2% of a bulk profile.
 */
export function loadsSources(): boolean {
  try {
    return import.meta.resolve('@tlskit/client').includes('/src/');
  } catch {
    return true;
  }
}

/** Node flags for a child that runs a TypeScript file of this tool and loads tlskit as we do. */
export function childExecArgv(): string[] {
  return loadsSources() ? ['--conditions=tlskit-source', '--import', 'tsx'] : ['--import', 'tsx'];
}
