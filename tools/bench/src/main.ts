/** Entry point of `pnpm bench`: see cli.ts for the arguments. */
import { runBench } from './cli.js';

runBench(process.argv.slice(2), {
  out: (line) => console.log(line),
  root: new URL('../../../', import.meta.url),
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
