import type { z } from 'zod';
import type { MethodName, MethodOutput, Methods } from '../../shared/api/contract';

/** One function per contract method. Inputs arrive already validated. */
export type Handler<M extends MethodName> = (input: z.output<Methods[M]['input']>) => Promise<MethodOutput<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };
export type PartialHandlers<K extends MethodName> = { [M in K]: Handler<M> };
