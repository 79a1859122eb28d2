import { z } from 'zod';
import { defineEvents } from './define';

export const AgentState = z.enum(['starting', 'ready', 'degraded', 'stopping']);

export const AgentStatus = z.object({
  state: AgentState,
  dockerReachable: z.boolean(),
  /** Short reasons shown beside a degraded state. */
  problems: z.array(z.string()),
  at: z.number(),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

/** Topics a store can refresh. Events name what changed; data is pulled with a method call. */
export const Topic = z.enum(['system', 'settings']);
export type Topic = z.infer<typeof Topic>;

export const coreEvents = defineEvents({
  'agent.status': AgentStatus,
  'data.changed': z.object({ topic: Topic }),
});
