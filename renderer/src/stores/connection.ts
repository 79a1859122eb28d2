import { create } from 'zustand';

interface ConnectionState {
  connected: boolean;
  set(connected: boolean): void;
}

export const useConnection = create<ConnectionState>((set) => ({
  connected: false,
  set: (connected) => set({ connected }),
}));
