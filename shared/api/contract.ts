/**
 * The one app API contract. Every transport (Electron IPC, HTTP + WebSocket) and every client is
 * typed from these maps, and both ends validate payloads against them.
 */
import type { z } from 'zod';
import { coreEvents } from './events';
import { earningsMethods } from './methods/earnings';
import { gpuEvents, gpuMethods } from './methods/gpu';
import { jobsEvents, jobsMethods } from './methods/jobs';
import { networkEvents, networkMethods } from './methods/network';
import { settingsMethods } from './methods/settings';
import { systemMethods } from './methods/system';
import { walletMethods } from './methods/wallet';

export const methods = {
  ...systemMethods,
  ...settingsMethods,
  ...gpuMethods,
  ...earningsMethods,
  ...jobsMethods,
  ...networkMethods,
  ...walletMethods,
} as const;

export const events = {
  ...coreEvents,
  ...gpuEvents,
  ...jobsEvents,
  ...networkEvents,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods & string;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events & string;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

/** What a method returns on the wire: a value, or an error envelope. */
export type Reply<M extends MethodName> = { ok: MethodOutput<M> } | { error: { code: string; message: string } };
