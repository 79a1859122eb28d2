import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Contract, Wallet } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningCoordinator } from '../../../coordinator/server';
import { settlementOf, startSettlement, type Settlement } from '../../../coordinator/settlement/service';
import { ERC20_ABI } from '../../../shared/wallet/erc20';
import { REPO_ROOT } from '../../helpers/test-env';
import { BUSYBOX, nodeLedger, removeJobContainers, startNetwork, tempDir, waitFor } from '../network/helpers';

const exec = promisify(execFile);
const CLI = path.join(REPO_ROOT, 'bin/rigshare.js');
const CONFIRMATIONS = 3;
const OUTPUT = 'paid by the network\n';
// 36 tokens per GPU-hour: one token unit per 100 µs, so even a short job earns a payable amount.
const SUBMIT_FLAGS = ['--price', '36', '--wait', '--timeout', '120', '--json'];

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `rigshare agent --network URL --join --payout ADDRESS`, as an operator starts a headless rig. */
function startPaidAgent(networkUrl: string, payout: string, dataDir: string) {
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ registryAllowlist: ['127.0.0.1:5000'] }));
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'agent', '--data-dir', dataDir, '--port', '0', '--network', networkUrl, '--join', '--payout', payout],
    {
      // The benchmark image comes from the network under test, never from this shell.
      env: { ...process.env, RIGSHARE_BENCHMARK_IMAGE: undefined, RIGSHARE_HEARTBEAT_MS: '1000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    output: () => out,
    stop: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

async function dashboardCall<T>(dashboard: URL, method: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`${dashboard.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${dashboard.searchParams.get('token')}` },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok?: T; error?: { message: string } };
  if (!res.ok || body.ok === undefined) throw new Error(`${method}: ${body.error?.message ?? `HTTP ${res.status}`}`);
  return body.ok;
}

interface WalletPayout {
  statementId: string;
  amount: number;
  status: string;
  ledgerAmount: number;
  chainAmount: number | null;
  confirmations: number;
  txHash: string;
  jobs: number;
}

describe('a paid job, end to end', () => {
  let coord: RunningCoordinator;
  let settlement: Settlement;
  let dataDir: string;

  it('runs on a joined rig, pays its payout address on chain, and the rig verifies the payout', async () => {
    const coordDir = tempDir('paid-coord');
    coord = await startNetwork(coordDir);
    cleanups.push(() => fs.rmSync(coordDir, { recursive: true, force: true }));
    cleanups.push(() => coord.close());
    // On demand only, and no blocks but the ones this test mines, so confirmations are counted exactly.
    settlement = await startSettlement(coord.ctx, coordDir, {
      devChain: { blockIntervalMs: 0, confirmations: CONFIRMATIONS },
      minimumPayout: 1,
      waitMs: 10_000,
    });
    cleanups.push(() => settlementOf(coord.ctx)?.close());

    const payout = Wallet.createRandom().address;
    dataDir = tempDir('paid-agent');
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const agent = startPaidAgent(coord.url, payout, dataDir);
    cleanups.push(() => agent.stop('SIGKILL'));
    const dashboard = new URL(
      await waitFor(
        'the agent to print its dashboard URL',
        () => /Rigshare dashboard: (\S+)/.exec(agent.output())?.[1],
      ),
    );
    await waitFor(
      'the agent to join the network (benchmark, registration, work loop)',
      () => /Joined |Join failed/.test(agent.output()),
      90_000,
    );
    expect(agent.output(), agent.output()).toMatch(/Joined .* as node node_/);
    const nodes = (await coord.ctx.db.query('SELECT payout_address FROM nodes')).rows;
    expect(nodes.map((n) => String(n.payout_address).toLowerCase())).toEqual([payout.toLowerCase()]);

    // The customer submits with the CLI and waits for the result, as a script would.
    const specFile = path.join(coordDir, 'customer-spec.json');
    fs.writeFileSync(
      specFile,
      JSON.stringify({
        image: BUSYBOX(),
        command: ['sh', '-c', `echo '${OUTPUT.trimEnd()}' > /output/result.txt; sleep 1`],
        resources: { gpus: 0, memoryMiB: 64, cpus: 0.5, maxSeconds: 60 },
      }),
    );
    const submitted = await exec(
      process.execPath,
      [CLI, 'submit', '--network', coord.url, '--token', coord.customerToken, '--spec', specFile, ...SUBMIT_FLAGS],
      { timeout: 150_000 },
    ).catch((err: { stdout?: string; stderr?: string }) => {
      throw new Error(`rigshare submit failed: ${err.stderr ?? ''}${err.stdout ?? ''}\nagent said:\n${agent.output()}`);
    });
    const job = JSON.parse(submitted.stdout) as {
      jobId: string;
      status: string;
      exitCode: number | null;
      outputs: { path: string; bytes: number; sha256: string }[];
      node: string | null;
      cost: { gross: number; fee: number; net: number } | null;
    };
    expect(job, submitted.stdout).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(job.outputs).toEqual([
      {
        path: 'result.txt',
        bytes: Buffer.byteLength(OUTPUT),
        sha256: crypto.createHash('sha256').update(OUTPUT).digest('hex'),
      },
    ]);
    const leases = (await coord.ctx.db.query('SELECT id FROM leases WHERE job_id = $1', [job.jobId])).rows;
    cleanups.push(() => removeJobContainers(leases.map((l) => String(l.id))));
    const node = (await coord.ctx.db.query('SELECT address FROM nodes')).rows[0]!;
    expect(job.node).toBe(node.address);

    // The rig's own ledger records what it earned for the job, from the network's signed receipt.
    const earned = await waitFor('the rig to record its earnings for the job', () => {
      const rows = nodeLedger(dataDir).earnings.filter((e) => e.jobId === job.jobId);
      return rows.length ? rows : null;
    });
    expect(earned).toHaveLength(1);
    const owed = earned[0]!.net;
    expect(owed).toBeGreaterThan(0);
    expect(owed).toBe(job.cost!.net);

    // Settlement pays that amount, once, to the payout address the rig joined with.
    const report = await settlement.settleNow();
    expect(report.failed).toEqual([]);
    expect(report.created).toHaveLength(1);
    expect(report.confirmed).toEqual(report.created);
    const token = new Contract(settlement.chain.token.address, ERC20_ABI, settlement.chain.provider);
    const balanceOf = token.getFunction('balanceOf');
    expect((await balanceOf(payout)) as bigint).toBe(BigInt(owed));

    // The rig's wallet view, with no wallet or payout Settings set up: the network it joined and the
    // payout address it registered are enough. The payout is seen, but not verified before its confirmations.
    const before = await dashboardCall<{ network: unknown; chain: unknown; payouts: WalletPayout[] }>(
      dashboard,
      'wallet.get',
    );
    expect(before.payouts, JSON.stringify(before)).toHaveLength(1);
    expect(before.payouts[0]).toMatchObject({ status: 'pending', amount: owed, jobs: 1 });
    expect(before.payouts[0]!.confirmations).toBeLessThan(CONFIRMATIONS);

    await settlement.dev!.mine(CONFIRMATIONS);
    const after = await dashboardCall<{
      payouts: WalletPayout[];
      balances: { token: string | null };
      earnings: { earned: number; paid: number; pending: number; jobs: number };
    }>(dashboard, 'wallet.get');
    expect(after.payouts).toHaveLength(1);
    expect(after.payouts[0]).toMatchObject({
      statementId: report.created[0],
      status: 'verified',
      amount: owed,
      ledgerAmount: owed,
      chainAmount: owed,
    });
    expect(after.payouts[0]!.confirmations).toBeGreaterThanOrEqual(CONFIRMATIONS);
    expect(after.earnings).toEqual({ earned: owed, paid: owed, pending: 0, jobs: 1 });
    expect(after.balances.token).toBe(String(owed));
    const receipt = await settlement.chain.provider.getTransactionReceipt(after.payouts[0]!.txHash);
    expect(receipt?.status).toBe(1);

    // Stopped, the rig's CLI gives the same verdict from its data dir.
    await agent.stop('SIGTERM');
    const cli = await exec(process.execPath, [CLI, 'wallet', 'payouts', '--json', '--data-dir', dataDir], {
      timeout: 60_000,
    });
    expect(JSON.parse(cli.stdout)).toEqual([
      {
        statementId: report.created[0],
        txHash: after.payouts[0]!.txHash,
        amount: owed,
        token: settlement.chain.token.symbol,
        status: 'verified',
      },
    ]);
    expect(nodeLedger(dataDir).earnings.reduce((s, e) => s + e.net, 0)).toBe(owed);
    expect((await balanceOf(payout)) as bigint).toBe(BigInt(owed));
  });
});
