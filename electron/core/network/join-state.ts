import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SlaTier } from '../../../shared/protocol/messages';

/** What Join decided, kept so the rig rejoins by itself after a restart. */
export const JoinState = z.object({
  joined: z.boolean(),
  /** "local" or the coordinator URL. */
  network: z.string(),
  name: z.string(),
  coordinator: z.string(),
  chainId: z.number().int(),
  priceFloorPerGpuHour: z.number().int().nonnegative(),
  slaTier: SlaTier,
  payoutAddress: z.string().nullable(),
  benchmark: z.unknown(),
  joinedAt: z.number(),
  token: z.object({ symbol: z.string(), decimals: z.number().int() }),
  maxCheckpointBytes: z.number().int(),
  heartbeatIntervalMs: z.number().int(),
  /** Where the local network's coordinator answered last, for `rigshare submit --network local`. */
  localUrl: z.string().nullable().optional(),
});
export type JoinState = z.infer<typeof JoinState>;

export const JOIN_STATE_FILE = 'network.json';

export function readJoinState(dataDir: string): JoinState | null {
  try {
    return JoinState.parse(JSON.parse(fs.readFileSync(path.join(dataDir, JOIN_STATE_FILE), 'utf8')));
  } catch {
    return null;
  }
}

export function writeJoinState(dataDir: string, state: JoinState): void {
  const file = path.join(dataDir, JOIN_STATE_FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function localCoordinatorDir(dataDir: string): string {
  return path.join(dataDir, 'local-network');
}
