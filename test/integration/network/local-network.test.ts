import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, waitFor } from './helpers';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the built-in "This machine" network', () => {
  it('joins with nothing configured: the benchmark image is built from the host busybox, no registry needed', async () => {
    const agent = startAgent('local');
    cleanups.push(() => agent.kill('SIGKILL'));
    await waitFor('the join to finish', () => /Joined This machine|\[FAILED\]/.test(agent.output()));
    const out = agent.output();
    expect(out).toMatch(/\[ok\] benchmark: Benchmark passed/);
    expect(out).toMatch(/\[ok\] registration: Registered as node_/);
    expect(out).toMatch(/Joined This machine \(http:\/\/127\.0\.0\.1:\d+\)/);
  });
});
