/**
 * Hostile-peer tests must fail, not lose their worker, when bad input crashes the process: this
 * collects the process's uncaught exceptions and unhandled rejections while it is installed, so
 * a test asserts that there were none.
 */

/** The faults seen since {@link collectProcessFaults}; `stop()` uninstalls the listeners. */
export interface ProcessFaults {
  readonly faults: readonly unknown[];
  stop(): void;
}

/** Starts collecting; call `stop()` (in `afterAll`) to restore the default behaviour. */
export function collectProcessFaults(): ProcessFaults {
  const faults: unknown[] = [];
  const onFault = (error: unknown): void => {
    faults.push(error);
  };
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  return {
    faults,
    stop: () => {
      process.off('uncaughtException', onFault);
      process.off('unhandledRejection', onFault);
    },
  };
}
