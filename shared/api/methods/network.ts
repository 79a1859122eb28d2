import { z } from 'zod';
import { defineEvents, defineMethods } from '../define';
import { Address, Diagnostics, MarketRates, SlaTier } from '../../protocol/messages';

export const NetworkEntry = z.object({
  id: z.string(),
  name: z.string(),
  /** "local" for the built-in network on this machine; an http(s) URL otherwise. */
  url: z.string(),
  description: z.string(),
  builtin: z.boolean(),
});
export type NetworkEntry = z.infer<typeof NetworkEntry>;

export const NetworkTarget = z.union([z.literal('local'), z.url({ protocol: /^https?$/ })]);

export const JoinRequest = z
  .object({
    network: NetworkTarget,
    /** Smallest amount (token units) per GPU-hour this rig accepts. */
    priceFloorPerGpuHour: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    slaTier: SlaTier.optional(),
    payoutAddress: Address.nullable().optional(),
  })
  .strict();
export type JoinRequest = z.infer<typeof JoinRequest>;

export const WorkState = z.enum(['left', 'joining', 'idle', 'leased', 'running', 'reporting', 'offline']);
export type WorkState = z.infer<typeof WorkState>;

export const NetworkStatus = z.object({
  joined: z.boolean(),
  state: WorkState,
  network: z
    .object({ url: z.string(), name: z.string(), chainId: z.number().int(), coordinator: z.string() })
    .nullable(),
  nodeId: z.string().nullable(),
  /** The identity key's address (not the payout wallet). Null until the first Join creates it. */
  identity: z.string().nullable(),
  jobId: z.string().nullable(),
  leaseId: z.string().nullable(),
  since: z.number(),
  pendingReports: z.number().int(),
  lastError: z.string().nullable(),
  priceFloorPerGpuHour: z.number().int().nullable(),
  earnings: z.object({
    jobs: z.number().int(),
    net: z.number().int(),
    token: z.object({ symbol: z.string(), decimals: z.number().int() }).nullable(),
  }),
});
export type NetworkStatus = z.infer<typeof NetworkStatus>;

export const JoinStepName = z.enum(['readiness', 'identity', 'benchmark', 'registration', 'work-loop']);
export type JoinStepName = z.infer<typeof JoinStepName>;
export const JoinStep = z.object({
  step: JoinStepName,
  state: z.enum(['running', 'done', 'failed']),
  detail: z.string(),
  /** What to do when the step failed. */
  fix: z.string().nullable(),
});
export type JoinStep = z.infer<typeof JoinStep>;

export const networkMethods = defineMethods({
  'network.directory': { input: z.object({}).strict(), output: z.object({ networks: z.array(NetworkEntry) }) },
  'network.join': { input: JoinRequest, output: NetworkStatus },
  'network.leave': { input: z.object({}).strict(), output: NetworkStatus },
  'network.status': { input: z.object({}).strict(), output: NetworkStatus },
  'network.diagnostics': { input: z.object({}).strict(), output: Diagnostics },
  /** The network's published rates: the joined network's, or a given one's before joining. Null when unknown. */
  'network.rates': { input: z.object({ network: NetworkTarget.optional() }).strict(), output: MarketRates.nullable() },
});

export const networkEvents = defineEvents({
  'network.status': NetworkStatus,
  'network.join.step': JoinStep,
});
