import { create } from 'zustand';
import type { AgentStatus } from '../../../shared/api/events';
import { getClient } from '../api/client';

interface AgentStatusState {
  status: AgentStatus | null;
}

export const useAgentStatus = create<AgentStatusState>(() => ({ status: null }));

/** Follows the agent's status events; returns the unsubscribe for effect cleanup. */
export function watchAgentStatus(): () => void {
  return getClient().subscribe('agent.status', (status) => useAgentStatus.setState({ status }));
}
