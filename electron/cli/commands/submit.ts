import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { customerTokenPath } from '../../../coordinator/secrets';
import { JobView, NetworkInfo, SlaTier, type SubmitJobRequest } from '../../../shared/protocol/messages';
import { formatUnits, parseUnits } from '../../../shared/protocol/money';
import { localCoordinatorDir, readJoinState } from '../../core/network/join-state';
import { addDataDirOption, resolveDataDir } from '../options';

interface SubmitOptions {
  network: string;
  spec: string;
  token?: string;
  price: string;
  minVram: number;
  gpu?: string;
  tier: string;
  wait?: boolean;
  json?: boolean;
  timeout: number;
  dataDir?: string;
}

/** Where to send, and with which token. "local" means the local network of the agent on --data-dir. */
function resolveTarget(opts: SubmitOptions): { url: string; token: string } {
  let url = opts.network;
  let token = opts.token ?? process.env.RIGSHARE_TOKEN;
  if (url === 'local') {
    const dataDir = resolveDataDir(opts.dataDir);
    const state = readJoinState(dataDir);
    if (!state?.localUrl)
      throw new Error(
        `No local network is running for the agent in ${dataDir}. Start it with \`rigshare agent --network local --join\`.`,
      );
    url = state.localUrl;
    token ??= fs.readFileSync(customerTokenPath(localCoordinatorDir(dataDir)), 'utf8').trim();
  }
  if (!/^https?:\/\//.test(url)) throw new Error(`--network must be an http(s) URL or "local", got "${url}".`);
  if (!token)
    throw new Error(
      'A customer token is needed: pass --token or set RIGSHARE_TOKEN (`rigshare coordinator token` prints it).',
    );
  return { url: url.replace(/\/+$/, ''), token };
}

async function http(url: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
    signal: AbortSignal.timeout(15_000),
  }).catch((err: Error & { cause?: Error }) => {
    throw new Error(`Cannot reach ${new URL(url).origin}: ${err.cause?.message ?? err.message}.`);
  });
  const json = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok) throw new Error(json?.error?.message ?? `The network answered HTTP ${res.status}.`);
  return json;
}

export function registerSubmitCommand(program: Command): void {
  addDataDirOption(
    program
      .command('submit')
      .description('send a job to a network as a customer, and optionally wait for its result')
      .requiredOption(
        '--network <url|local>',
        'the coordinator URL, or "local" for the local network of the agent on --data-dir',
      )
      .requiredOption('--spec <file>', 'job spec JSON (the same spec `rigshare job run` takes)')
      .option('--token <token>', 'customer token (default: $RIGSHARE_TOKEN)')
      .option('--price <amount>', 'most you pay per GPU-hour, in the network token (e.g. 0.5)', '1')
      .option('--min-vram <MiB>', 'GPU memory each GPU needs', (v) => nonNegativeInt(v), 0)
      .option('--gpu <key>', 'a GPU model key the job needs, e.g. rtx-4090')
      .option('--tier <tier>', 'service tier the node must offer: bronze, silver or gold', 'bronze')
      .option('--wait', 'wait for the result')
      .option('--timeout <seconds>', 'with --wait, give up after this long', (v) => nonNegativeInt(v), 3600)
      .option('--json', 'print JSON'),
  ).action(async (opts: SubmitOptions) => {
    try {
      await submit(opts);
    } catch (err) {
      process.stderr.write(`rigshare submit: ${(err as Error).message}\n`);
      process.exitCode = 2;
    }
  });
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

async function submit(opts: SubmitOptions): Promise<void> {
  const { url, token } = resolveTarget(opts);
  let spec: SubmitJobRequest['spec'];
  try {
    spec = JSON.parse(fs.readFileSync(path.resolve(opts.spec), 'utf8')) as SubmitJobRequest['spec'];
  } catch (err) {
    throw new Error(`Cannot read the spec ${opts.spec}: ${(err as Error).message}`);
  }
  const info = NetworkInfo.parse(await http(`${url}/v1/info`, token));
  const request: SubmitJobRequest = {
    spec,
    requirements: { minVramMiB: opts.minVram, gpuKey: opts.gpu ?? null, slaTier: SlaTier.parse(opts.tier) },
    maxPricePerGpuHour: parseUnits(opts.price, info.token.decimals),
    idempotencyKey: `submit-${crypto.randomUUID()}`,
  };
  let job = JobView.parse(await http(`${url}/v1/jobs`, token, { method: 'POST', body: request }));
  if (!opts.wait) {
    process.stdout.write(
      opts.json ? `${JSON.stringify({ jobId: job.jobId, status: job.status })}\n` : `${job.jobId}\n`,
    );
    return;
  }
  const deadline = Date.now() + opts.timeout * 1000;
  while (job.status !== 'completed' && job.status !== 'failed' && job.status !== 'cancelled') {
    if (Date.now() > deadline)
      throw new Error(
        `Job ${job.jobId} is still ${job.status} after ${opts.timeout} s; check it later with the job id.`,
      );
    await new Promise((r) => setTimeout(r, 500));
    job = JobView.parse(await http(`${url}/v1/jobs/${job.jobId}`, token));
  }
  const result = job.result;
  const out = {
    jobId: job.jobId,
    status: result?.status ?? 'failed',
    exitCode: result?.exitCode ?? null,
    reason: result?.reason ?? job.failure,
    logTail: result?.logTail ?? '',
    outputs: result?.outputs ?? [],
    durationMs: result?.durationMs ?? 0,
    node: job.node,
    attempts: job.attempts,
    cost: job.cost ? { ...job.cost, token: info.token } : null,
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    process.stdout.write(
      `job ${out.jobId}: ${out.status}${out.exitCode === null ? '' : ` (exit ${out.exitCode})`} on ${out.node ?? 'no node'}\n`,
    );
    if (out.reason) process.stdout.write(`reason: ${out.reason}\n`);
    for (const o of out.outputs) process.stdout.write(`output ${o.path} ${o.bytes} bytes sha256 ${o.sha256}\n`);
    if (out.cost)
      process.stdout.write(`cost: ${formatUnits(out.cost.gross, info.token.decimals)} ${info.token.symbol}\n`);
    if (out.logTail) process.stdout.write(`--- log tail ---\n${out.logTail}`);
  }
  if (out.status !== 'succeeded') process.exitCode = 1;
}
