import { z } from 'zod';

/**
 * The job spec: a public interface that networks send to nodes. Everything a job may ask for is
 * listed here; anything else (privileged, host paths, devices, capabilities, unknown fields) is
 * refused before a container exists.
 */

/** `registry/name@sha256:<64 hex>`: a tag can be repointed, a digest cannot. */
export const PINNED_IMAGE =
  /^(?:[a-z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?@sha256:[a-f0-9]{64}$/;

/** Variables that let a job (or its image) swap the loader or the GPU runtime's behaviour. */
export function isForbiddenEnvName(name: string): boolean {
  return name === 'LD_PRELOAD' || name === 'LD_LIBRARY_PATH' || name === 'LD_AUDIT' || name.startsWith('NVIDIA_');
}

const EnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain variable name (letters, digits, underscore)')
  .refine((n) => !isForbiddenEnvName(n), {
    message: 'LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT and NVIDIA_* cannot be set by a job',
  });

/** Container paths the sandbox itself owns; a job may not mount a volume over them. */
const RESERVED_DIRS = [
  '/',
  '/bin',
  '/sbin',
  '/usr',
  '/lib',
  '/lib64',
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/tmp',
  '/input',
  '/run',
  '/var',
  '/root',
  '/boot',
];

const ContainerPath = z
  .string()
  .max(256)
  .regex(/^\/[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/, 'must be an absolute container path of plain names')
  .refine((p) => !p.split('/').includes('..') && !p.split('/').includes('.'), { message: 'must not contain . or ..' });

const VolumeDir = ContainerPath.refine(
  (p) => !RESERVED_DIRS.some((r) => p === r || (r !== '/' && p.startsWith(`${r}/`))),
  {
    message: `must not be, or be inside, ${RESERVED_DIRS.join(', ')}`,
  },
);

const Sha256 = z.string().regex(/^[a-f0-9]{64}$/, 'must be a lowercase hex sha256');

/** Where an input lands: relative paths go under /input; absolute ones must already be there. */
export const INPUT_DIR = '/input';

const InputPath = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9._/-]+$/, 'must use letters, digits, . _ - and /')
  .refine((p) => !p.split('/').some((seg) => seg === '..'), { message: 'must not contain ..' })
  .refine((p) => !p.startsWith('/') || p.startsWith(`${INPUT_DIR}/`), {
    message: `absolute paths must be under ${INPUT_DIR}/`,
  })
  .transform((p) => (p.startsWith('/') ? p.slice(INPUT_DIR.length + 1) : p).replace(/\/+/g, '/').replace(/^\.\//, ''))
  .refine((p) => p.length > 0 && !p.endsWith('/'), { message: 'must name a file' });

const Input = z
  .object({
    path: InputPath,
    url: z.url({ protocol: /^https?$/ }).optional(),
    base64: z
      .string()
      .max(64 * 1024 * 1024)
      .regex(/^[A-Za-z0-9+/=\s]*$/, 'must be base64')
      .optional(),
    sha256: Sha256,
  })
  .strict()
  .refine((i) => (i.url === undefined) !== (i.base64 === undefined), { message: 'give exactly one of url or base64' });

export const Resources = z
  .object({
    gpus: z.number().int().min(0).max(16),
    memoryMiB: z
      .number()
      .int()
      .min(6)
      .max(1024 * 1024),
    cpus: z.number().positive().max(256),
    pids: z.number().int().min(8).max(32768).default(256),
    maxSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600),
    outputMiB: z
      .number()
      .int()
      .min(1)
      .max(100 * 1024)
      .default(256),
  })
  .strict();

export const JobSpec = z
  .object({
    image: z.string().regex(PINNED_IMAGE, 'must be pinned by digest, like registry/name@sha256:<64 hex digits>'),
    command: z
      .array(z.string().max(64 * 1024))
      .min(1)
      .max(1024),
    env: z.record(EnvName, z.string().max(64 * 1024)).optional(),
    workdir: ContainerPath.optional(),
    resources: Resources,
    network: z.enum(['none', 'egress']).default('none'),
    inputs: z.array(Input).max(256).default([]),
    outputDir: VolumeDir.default('/output'),
    checkpointDir: VolumeDir.default('/checkpoint'),
  })
  .strict()
  .refine((s) => s.outputDir !== s.checkpointDir, {
    message: 'outputDir and checkpointDir must differ',
    path: ['checkpointDir'],
  });

export type JobSpec = z.output<typeof JobSpec>;
export type JobSpecInput = z.input<typeof JobSpec>;

/**
 * Fields people try to smuggle into a spec, each with the reason a stranger's job may not have it.
 * zod's strict mode would refuse them anyway; this turns "unrecognized key" into an answer.
 */
const FORBIDDEN_FIELDS: Record<string, string> = {
  privileged: 'jobs never run privileged',
  binds: 'host paths are never mounted into a job',
  mounts: 'host paths are never mounted into a job; use inputs, outputDir and checkpointDir',
  volumes: 'host paths are never mounted into a job; use inputs, outputDir and checkpointDir',
  devices: 'devices are never passed to a job; GPUs are assigned by resources.gpus',
  capAdd: 'jobs run with every capability dropped',
  capabilities: 'jobs run with every capability dropped',
  cap_add: 'jobs run with every capability dropped',
  securityOpt: 'the sandbox security options are fixed',
  user: 'jobs always run as an unprivileged user (65534)',
  networkMode: 'network is "none" or "egress"; host networking is never allowed',
  pidMode: 'jobs never share the host process namespace',
  ipcMode: 'jobs never share the host IPC namespace',
  runtime: 'the container runtime is chosen by the node',
};

export type SpecCheck = { ok: true; spec: JobSpec } | { ok: false; reason: string };

/** Parses a spec, turning every problem into one readable reason. */
export function checkJobSpec(raw: unknown): SpecCheck {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const forbidden = findForbidden(raw as Record<string, unknown>, '');
    if (forbidden) return { ok: false, reason: forbidden };
  }
  const parsed = JobSpec.safeParse(raw);
  if (parsed.success) return { ok: true, spec: parsed.data };
  const reason = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'spec'}: ${issue.message}`)
    .join('; ');
  return { ok: false, reason: `Invalid job spec: ${reason}` };
}

function findForbidden(obj: Record<string, unknown>, prefix: string): string | null {
  for (const key of Object.keys(obj)) {
    const why = FORBIDDEN_FIELDS[key];
    if (why) return `Refused: "${prefix}${key}" is not allowed because ${why}.`;
  }
  const resources = obj.resources;
  if (prefix === '' && typeof resources === 'object' && resources !== null && !Array.isArray(resources)) {
    return findForbidden(resources as Record<string, unknown>, 'resources.');
  }
  return null;
}

/** The registry host of a pinned reference, as Docker resolves it. */
export function imageRegistry(image: string): string {
  const name = image.split('@')[0]!;
  const first = name.split('/')[0]!;
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasHost ? first : 'docker.io';
}

export function imageDigest(image: string): string {
  return image.slice(image.indexOf('@') + 1);
}

/** The repository part without tag or digest, e.g. `127.0.0.1:5000/rigshare-test/busybox`. */
export function imageRepository(image: string): string {
  const name = image.split('@')[0]!;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  return colon >= 0 ? name.slice(0, colon) : name;
}
