import type { z } from 'zod';

export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}

/** Keeps the literal types of a method map while checking its shape. */
export function defineMethods<T extends Record<string, MethodDef>>(methods: T): T {
  return methods;
}

export function defineEvents<T extends Record<string, z.ZodType>>(events: T): T {
  return events;
}
