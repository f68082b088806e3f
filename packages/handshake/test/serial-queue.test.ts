import { SerialQueue } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SerialQueue', () => {
  it('runs tasks one at a time in queue order, whatever their durations', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      queue.run(task('a', 20)),
      queue.run(task('b', 0)),
      queue.run(task('c', 5)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('rejects only the failed task and runs the later ones', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(() => Promise.reject(new Error('boom')));
    const thrown = queue.run(() => {
      throw new Error('sync');
    });
    const after = queue.run(() => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(thrown).rejects.toThrow('sync');
    await expect(after).resolves.toBe('ran');
  });

  it('settled() waits for every task queued so far and never rejects', async () => {
    const queue = new SerialQueue();
    let done = false;
    void queue
      .run(async () => {
        await tick(10);
        done = true;
        throw new Error('late failure');
      })
      .catch(() => undefined);
    await queue.settled();
    expect(done).toBe(true);
  });
});
