import { z } from 'zod';
import { defineMethods } from '../define';

export const DockerSocketSource = z.enum(['DOCKER_HOST', 'docker-context', 'default', 'podman']);

export const DockerEngineStatus = z.object({
  /** Where the engine is expected: a unix socket path, a Windows pipe or a tcp URL. */
  socket: z.string().nullable(),
  source: DockerSocketSource.nullable(),
  reachable: z.boolean(),
  version: z.string().nullable(),
  apiVersion: z.string().nullable(),
  /** "docker" or "podman", from the engine's own version answer. */
  flavour: z.enum(['docker', 'podman', 'unknown']).nullable(),
  /** Why it is unreachable, in words the user can act on. */
  error: z.string().nullable(),
});
export type DockerEngineStatus = z.infer<typeof DockerEngineStatus>;

export const SystemInfo = z.object({
  os: z.object({
    platform: z.string(),
    distro: z.string(),
    release: z.string(),
    arch: z.string(),
    hostname: z.string(),
  }),
  cpu: z.object({ model: z.string(), cores: z.number().int(), physicalCores: z.number().int() }),
  memory: z.object({ totalBytes: z.number(), freeBytes: z.number() }),
  disk: z.object({ path: z.string(), freeBytes: z.number().nullable(), totalBytes: z.number().nullable() }),
  docker: DockerEngineStatus,
  agent: z.object({ version: z.string(), dataDir: z.string(), uptimeSeconds: z.number() }),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const systemMethods = defineMethods({
  'system.info': { input: z.object({}).strict(), output: SystemInfo },
});
