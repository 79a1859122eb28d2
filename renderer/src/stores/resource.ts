import { useEffect } from 'react';
import { create } from 'zustand';
import type { Topic } from '../../../shared/api/events';
import { getClient } from '../api/client';

export interface ResourceState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
}

export interface Resource<T> {
  /** React hook: the current state; starts loading and listening on first use. */
  use(): ResourceState<T>;
  load(): Promise<void>;
  set(data: T): void;
}

/**
 * Data pulled from the agent. It loads on first use and reloads whenever the agent says its
 * topic changed: push events, pull data.
 */
export function createResource<T>(topic: Topic, fetcher: () => Promise<T>): Resource<T> {
  const store = create<ResourceState<T>>(() => ({ data: null, error: null, loading: false }));
  let started = false;

  const load = async (): Promise<void> => {
    store.setState({ loading: true });
    try {
      store.setState({ data: await fetcher(), error: null, loading: false });
    } catch (err) {
      store.setState({ error: (err as Error).message, loading: false });
    }
  };

  const start = (): void => {
    if (started) return;
    started = true;
    getClient().subscribe('data.changed', (change) => {
      if (change.topic === topic) void load();
    });
    void load();
  };

  return {
    use() {
      useEffect(start, []);
      return store();
    },
    load,
    set: (data) => store.setState({ data, error: null }),
  };
}
