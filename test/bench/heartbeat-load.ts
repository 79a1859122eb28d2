// The load generator for heartbeat-scale.bench.ts, in its own process so its CPU is measured
// apart from the coordinators'. It plays N nodes that each heartbeat once per interval, phases
// spread evenly, over keep-alive connection pools (undici), one pool per instance. Node i talks
// to instance i % targets. Sessions are minted with the network's shared session key, as any
// instance would mint them at login, so 10,000 logins do not dominate the run.
// Input: one JSON object in argv[2]. Output: one JSON summary line on stdout.
import crypto from 'node:crypto';
import { Pool } from 'undici';
import { mintSessionToken } from '../../shared/protocol/session-token';
import { benchNodeAddress, benchNodeId } from './heartbeat-nodes';

interface LoadInput {
  targets: string[];
  nodes: number;
  intervalMs: number;
  durationMs: number;
  sessionKeyHex: string;
  chainId: number;
  connectionsPerTarget: number;
}

const input = JSON.parse(process.argv[2]!) as LoadInput;
const key = Uint8Array.from(Buffer.from(input.sessionKeyHex, 'hex'));
const now0 = Date.now();
const tokens = Array.from({ length: input.nodes }, (_, i) =>
  mintSessionToken(key, {
    sub: benchNodeAddress(i),
    nid: benchNodeId(i),
    chainId: input.chainId,
    iat: now0,
    exp: now0 + 3_600_000,
  }),
);
const pools = input.targets.map(
  (t) => new Pool(t, { connections: input.connectionsPerTarget, keepAliveTimeout: 60_000, pipelining: 1 }),
);

const latencies: number[] = [];
const statuses = new Map<number, number>();
let errors = 0;
let sent = 0;
let maxLagMs = 0;
let inFlight = 0;
const errorSamples: string[] = [];

// Latencies of the first seconds (connections opening, code warming up) are left out of the
// percentiles; every heartbeat still counts towards sent, answered and recorded.
const warmupMs = Math.min(3000, input.durationMs * 0.2);
let measureFrom = Number.POSITIVE_INFINITY;

async function beat(i: number): Promise<void> {
  const body = JSON.stringify({
    nonce: crypto.randomBytes(16).toString('hex'),
    timestamp: Date.now(),
    chainId: input.chainId,
    state: 'idle',
    leaseIds: [],
  });
  const started = process.hrtime.bigint();
  inFlight++;
  try {
    const res = await pools[i % pools.length]!.request({
      path: '/v1/nodes/heartbeat',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i]}` },
      body,
    });
    const text = await res.body.text();
    if (Date.now() >= measureFrom) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    if (res.statusCode !== 200 && errorSamples.length < 5) errorSamples.push(`${res.statusCode} ${text.slice(0, 200)}`);
  } catch (err) {
    errors++;
    if (errorSamples.length < 5) errorSamples.push((err as Error).message);
  } finally {
    inFlight--;
  }
}

// Heartbeat k is due at start + k * interval / N and belongs to node k % N: every node once per
// interval, evenly spread, which is what 10,000 independent 15 s timers look like in aggregate.
const start = Date.now() + 200;
measureFrom = start + warmupMs;
const step = input.intervalMs / input.nodes;
const total = Math.floor(input.durationMs / step);
const pending: Array<Promise<void>> = [];
await new Promise<void>((resolve) => {
  const tick = setInterval(() => {
    const now = Date.now();
    while (sent < total && start + sent * step <= now) {
      maxLagMs = Math.max(maxLagMs, now - (start + sent * step));
      pending.push(beat(sent % input.nodes));
      sent++;
    }
    if (sent >= total) {
      clearInterval(tick);
      resolve();
    }
  }, 2);
});
const sendingEndedAt = Date.now();
await Promise.all(pending);
await Promise.all(pools.map((p) => p.close()));

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
process.stdout.write(
  `${JSON.stringify({
    sent,
    ok: statuses.get(200) ?? 0,
    statuses: Object.fromEntries(statuses),
    errors,
    errorSamples,
    seconds: (sendingEndedAt - start) / 1000,
    measured: latencies.length,
    p50: pct(50),
    p99: pct(99),
    max: latencies[latencies.length - 1] ?? NaN,
    maxLagMs,
    inFlightAtEnd: inFlight,
  })}\n`,
);
