import type { RecordEvent, RecordReader } from '../src/index.js';

/**
 * Reads events until the reader needs more bytes (or `until` says stop), at most `limit`: a test
 * must not loop forever on a reader bug.
 */
export async function drain(
  reader: RecordReader,
  until?: (event: RecordEvent) => boolean,
  limit = 10_000,
): Promise<RecordEvent[]> {
  const events: RecordEvent[] = [];
  for (let i = 0; i < limit; i++) {
    const event = await reader.read();
    if (event === undefined) return events;
    events.push(event);
    if (until?.(event)) return events;
  }
  throw new Error(`reader yielded more than ${limit} events`);
}
