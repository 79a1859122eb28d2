/**
 * Every message of the node protocol, version 1. The coordinator and the node both parse what they
 * receive with these schemas; docs/protocol.md describes the same shapes for other implementations.
 */
import { z } from 'zod';
import { SLA_TIERS } from './constants';
import { Stamp } from './stamp';

export const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address');
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');
/** An amount in the network token's smallest unit. Never a float. */
export const Units = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const SlaTier = z.enum(SLA_TIERS);
export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'idempotency key: 8-128 of [A-Za-z0-9_.:-]');
export const Id = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);
/** Signed messages travel as `{ payload, signature }`. */
export const Signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/);
export const signed = <P extends z.ZodType>(payload: P) => z.object({ payload, signature: Signature });

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---- network -------------------------------------------------------------------------------

export const NetworkInfo = z.object({
  protocol: z.literal(1),
  name: z.string(),
  chainId: z.number().int().positive(),
  /** The key that signs offers and receipts. Nodes pin it at join. */
  coordinator: Address,
  feeBps: z.number().int().min(0).max(10_000),
  heartbeatIntervalMs: z.number().int().positive(),
  leaseTtlMs: z.number().int().positive(),
  maxCheckpointBytes: z.number().int().positive(),
  /** A pinned image nodes run as their benchmark at join; null when the network names none. */
  benchmarkImage: z.string().max(512).nullable().optional(),
  token: z.object({ symbol: z.string(), decimals: z.number().int().min(0).max(18) }),
});
export type NetworkInfo = z.infer<typeof NetworkInfo>;

// ---- login ---------------------------------------------------------------------------------

export const AuthNonceRequest = z.object({ address: Address }).strict();
export const AuthNonceResponse = z.object({ nonce: z.string(), expiresAt: z.number().int() });

export const LoginPayload = Stamp.extend({
  kind: z.literal('login'),
  address: Address,
  /** The coordinator URL the node meant to log in to, so a signature cannot be relayed elsewhere. */
  domain: z.string().max(200),
});
export type LoginPayload = z.infer<typeof LoginPayload>;
export const LoginRequest = signed(LoginPayload);
export const LoginResponse = z.object({ token: z.string(), expiresAt: z.number().int(), nodeId: Id });
export type LoginResponse = z.infer<typeof LoginResponse>;

// ---- registration --------------------------------------------------------------------------

export const GpuInventory = z
  .object({
    index: z.number().int().min(0).max(63),
    model: z.string().max(120),
    /** Normalised model key, e.g. "rtx-4090", used by job requirements. */
    key: z.string().max(60),
    vramMiB: z.number().int().min(0).max(4_194_304),
    uuid: z.string().max(80).nullable(),
  })
  .strict();
export type GpuInventory = z.infer<typeof GpuInventory>;

export const BenchmarkResult = z
  .object({
    /** Higher is faster. Comparable only between runs of the same benchmark version. */
    score: z.number().nonnegative().max(1e12),
    durationMs: z.number().int().nonnegative(),
    version: z.string().max(40),
    outputSha256: Sha256Hex,
    at: z.number().int(),
  })
  .strict();
export type BenchmarkResult = z.infer<typeof BenchmarkResult>;

export const RegisterRequest = Stamp.extend({
  gpus: z.array(GpuInventory).max(16),
  benchmark: BenchmarkResult.nullable(),
  priceFloorPerGpuHour: Units,
  slaTier: SlaTier,
  payoutAddress: Address.nullable(),
  agentVersion: z.string().max(40),
}).strict();
export type RegisterRequest = z.infer<typeof RegisterRequest>;
export const RegisterResponse = z.object({ nodeId: Id, registeredAt: z.number().int() });

// ---- heartbeat -----------------------------------------------------------------------------

export const NodeWorkState = z.enum(['idle', 'leased', 'running', 'reporting', 'paused']);
export type NodeWorkState = z.infer<typeof NodeWorkState>;

export const HeartbeatRequest = Stamp.extend({
  state: NodeWorkState,
  leaseIds: z.array(Id).max(16),
}).strict();
export type HeartbeatRequest = z.infer<typeof HeartbeatRequest>;

export const HeartbeatReceipt = Stamp.extend({
  kind: z.literal('heartbeat_receipt'),
  nodeId: Id,
  nodeAddress: Address,
  /** The nonce of the heartbeat this receipt acknowledges. */
  heartbeatNonce: z.string(),
  receivedAt: z.number().int(),
});
export type HeartbeatReceipt = z.infer<typeof HeartbeatReceipt>;
export const HeartbeatResponse = z.object({
  receipt: signed(HeartbeatReceipt),
  /** Leases the coordinator no longer holds for this node: stop their jobs. */
  revokedLeaseIds: z.array(Id),
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

// ---- leases and jobs -----------------------------------------------------------------------

/**
 * The job spec travels as the customer wrote it; the node validates it with the sandbox's own
 * schema before anything runs. The coordinator only reads what matching needs.
 */
export const JobSpecWire = z
  .object({
    image: z.string().max(512),
    resources: z.object({ gpus: z.number().int().min(0).max(16) }).passthrough(),
  })
  .passthrough();
export type JobSpecWire = z.infer<typeof JobSpecWire>;

export const JobRequirements = z
  .object({
    gpuCount: z.number().int().min(0).max(16),
    minVramMiB: z.number().int().min(0).max(4_194_304),
    gpuKey: z.string().max(60).nullable(),
    slaTier: SlaTier,
  })
  .strict();
export type JobRequirements = z.infer<typeof JobRequirements>;

export const CheckpointBlob = z.object({
  sha256: Sha256Hex,
  bytes: z.number().int().nonnegative(),
  /** base64 of the checkpoint archive. */
  data: z.string(),
});
export type CheckpointBlob = z.infer<typeof CheckpointBlob>;

export const OfferPayload = Stamp.extend({
  kind: z.literal('offer'),
  leaseId: Id,
  jobId: Id,
  nodeId: Id,
  nodeAddress: Address,
  spec: JobSpecWire,
  requirements: JobRequirements,
  pricePerGpuHour: Units,
  feeBps: z.number().int().min(0).max(10_000),
  leaseExpiresAt: z.number().int(),
  /** 1 for the first try; higher when the job resumes after a lost lease. */
  attempt: z.number().int().positive(),
  checkpoint: CheckpointBlob.nullable(),
});
export type OfferPayload = z.infer<typeof OfferPayload>;
export const SignedOffer = signed(OfferPayload);
export type SignedOffer = z.infer<typeof SignedOffer>;

export const LeaseRequest = Stamp.extend({ waitMs: z.number().int().min(0).max(30_000) }).strict();
export const LeaseResponse = z.object({ offer: SignedOffer.nullable() });
export type LeaseResponse = z.infer<typeof LeaseResponse>;

export const JobOutput = z.object({
  path: z.string().max(1024),
  bytes: z.number().int().nonnegative(),
  sha256: Sha256Hex,
});
export const RunStatus = z.enum(['succeeded', 'failed', 'timed_out', 'oom_killed', 'preempted', 'rejected']);
export const JobResultWire = z
  .object({
    status: RunStatus,
    exitCode: z.number().int().nullable(),
    reason: z.string().max(2000).nullable(),
    logTail: z.string().max(16_384),
    outputs: z.array(JobOutput).max(1000),
    durationMs: z.number().int().nonnegative(),
  })
  .strict();
export type JobResultWire = z.infer<typeof JobResultWire>;

export const ProgressRequest = Stamp.extend({
  idempotencyKey: IdempotencyKey,
  fraction: z.number().min(0).max(1).nullable(),
  message: z.string().max(500),
}).strict();
export const CheckpointRequest = Stamp.extend({
  idempotencyKey: IdempotencyKey,
  sha256: Sha256Hex,
  data: z.string(),
}).strict();
export const CompleteRequest = Stamp.extend({ idempotencyKey: IdempotencyKey, result: JobResultWire }).strict();
export const FailRequest = Stamp.extend({
  idempotencyKey: IdempotencyKey,
  reason: z.string().min(1).max(2000),
  /** True when another node could run it (a pull failure, a pre-emption); false when the job itself is bad. */
  retryable: z.boolean(),
}).strict();
export const ReleaseRequest = Stamp.extend({ idempotencyKey: IdempotencyKey, reason: z.string().max(500) }).strict();
export type ProgressRequest = z.infer<typeof ProgressRequest>;
export type CheckpointRequest = z.infer<typeof CheckpointRequest>;
export type CompleteRequest = z.infer<typeof CompleteRequest>;
export type FailRequest = z.infer<typeof FailRequest>;
export type ReleaseRequest = z.infer<typeof ReleaseRequest>;

/** A report was taken (or had already been taken: `duplicate`), and nothing else happened. */
export const ReportAck = z.object({ accepted: z.literal(true), duplicate: z.boolean() });

export const CompletionReceipt = Stamp.extend({
  kind: z.literal('completion_receipt'),
  jobId: Id,
  leaseId: Id,
  nodeId: Id,
  nodeAddress: Address,
  gpuMs: Units,
  pricePerGpuHour: Units,
  feeBps: z.number().int().min(0).max(10_000),
  gross: Units,
  fee: Units,
  net: Units,
});
export type CompletionReceipt = z.infer<typeof CompletionReceipt>;
export const CompleteResponse = z.object({ duplicate: z.boolean(), receipt: signed(CompletionReceipt) });
export type CompleteResponse = z.infer<typeof CompleteResponse>;

// ---- diagnostics, earnings, rates ----------------------------------------------------------

export const PassReason = z.enum([
  'floor_above_offer',
  'vram_too_small',
  'too_few_gpus',
  'gpu_model_mismatch',
  'tier_too_low',
  'no_benchmark',
]);
export type PassReason = z.infer<typeof PassReason>;

export const Diagnostics = z.object({
  nodeId: Id,
  at: z.number().int(),
  registered: z.boolean(),
  hasBenchmark: z.boolean(),
  priceFloorPerGpuHour: Units,
  queue: z.object({ total: z.number().int(), matching: z.number().int() }),
  passedOver: z.array(
    z.object({
      jobId: Id,
      reasons: z.array(PassReason),
      offerPerGpuHour: Units,
      minVramMiB: z.number().int(),
      gpuCount: z.number().int(),
      gpuKey: z.string().nullable(),
      slaTier: SlaTier,
    }),
  ),
  /** One line per reason, with how many jobs it cost and what to change. */
  summary: z.array(z.object({ reason: PassReason, jobs: z.number().int(), advice: z.string() })),
  /** The headline answer to "why no jobs?". */
  verdict: z.string(),
});
export type Diagnostics = z.infer<typeof Diagnostics>;

export const EarningsLine = z.object({
  jobId: Id,
  completedAt: z.number().int(),
  gpuMs: Units,
  pricePerGpuHour: Units,
  gross: Units,
  fee: Units,
  net: Units,
});
export const NodeEarnings = z.object({
  nodeId: Id,
  totals: z.object({ jobs: z.number().int(), gpuMs: Units, gross: Units, fee: Units, net: Units }),
  jobs: z.array(EarningsLine),
  uptime: z.object({ windowMs: z.number().int(), creditedMs: z.number().int(), ratio: z.number().min(0).max(1) }),
});
export type NodeEarnings = z.infer<typeof NodeEarnings>;

export const MarketRates = z.object({
  at: z.number().int(),
  token: z.object({ symbol: z.string(), decimals: z.number().int() }),
  feeBps: z.number().int(),
  rates: z.array(
    z.object({
      gpuKey: z.string().nullable(),
      queuedJobs: z.number().int(),
      medianOfferPerGpuHour: Units.nullable(),
      minOfferPerGpuHour: Units.nullable(),
      maxOfferPerGpuHour: Units.nullable(),
      completedLast24h: z.number().int(),
      avgPaidPerGpuHour: Units.nullable(),
    }),
  ),
});
export type MarketRates = z.infer<typeof MarketRates>;

// ---- customers -----------------------------------------------------------------------------

export const SubmitJobRequest = z
  .object({
    spec: JobSpecWire,
    requirements: JobRequirements.omit({ gpuCount: true }).partial().default({}),
    maxPricePerGpuHour: Units,
    idempotencyKey: IdempotencyKey.optional(),
  })
  .strict();
export type SubmitJobRequest = z.input<typeof SubmitJobRequest>;

export const JobState = z.enum(['queued', 'leased', 'completed', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;
export const JobView = z.object({
  jobId: Id,
  status: JobState,
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  attempts: z.number().int(),
  pricePerGpuHour: Units,
  requirements: JobRequirements,
  node: Address.nullable(),
  progress: z.object({ fraction: z.number().nullable(), message: z.string() }).nullable(),
  checkpoint: z.object({ sha256: Sha256Hex, bytes: z.number().int() }).nullable(),
  result: JobResultWire.nullable(),
  failure: z.string().nullable(),
  cost: z.object({ gpuMs: Units, gross: Units, fee: Units, net: Units }).nullable(),
});
export type JobView = z.infer<typeof JobView>;
