import { afterAll, beforeAll, expect } from 'vitest';
import { leftovers, startRig, type Rig } from './harness';

/**
 * One rig for a whole test file: started before its first test and, after its last, checked to
 * have left no containers, volumes or networks behind, then closed. Returns the running rig.
 */
export function rigPerFile(options?: Parameters<typeof startRig>[0]): () => Rig {
  let rig: Rig | undefined;
  beforeAll(async () => {
    rig = await startRig(options);
  });
  afterAll(async () => {
    if (!rig) return;
    expect(await leftovers(rig.docker, rig.owns)).toEqual({ containers: 0, volumes: 0, networks: 0 });
    await rig.close();
  });
  return () => {
    if (!rig) throw new Error('The rig starts in beforeAll; use it inside a test.');
    return rig;
  };
}
