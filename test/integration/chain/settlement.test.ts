import { Contract, Wallet, parseEther } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { settlementOf } from '../../../coordinator/settlement/service';
import { ChainReader } from '../../../electron/core/chain/reader';
import { signPayload } from '../../../shared/protocol/signing';
import { makeStamp } from '../../../shared/protocol/stamp';
import { ERC20_ABI } from '../../../shared/wallet/erc20';
import type { SettlementStatement } from '../../../shared/wallet/statement';
import crypto from 'node:crypto';
import { paidNetwork, type PaidNetwork } from './harness';

let net: PaidNetwork | null = null;
afterEach(async () => {
  await net?.close();
  net = null;
});

function chainOf(n: PaidNetwork) {
  const s = settlementOf(n.coord.ctx)!;
  return { s, dev: s.dev!, treasury: s.chain.treasury, provider: s.chain.provider };
}

describe('settlement on the local dev chain', () => {
  it('jobs run, settlement pays once, and the payout is pending until N confirmations, then verified', async () => {
    net = await paidNetwork();
    const jobs = await net.runJobs(3);
    const owed = net.earnings.all().reduce((s, e) => s + e.net, 0);
    expect(owed).toBeGreaterThan(0);
    const { s, dev } = chainOf(net);

    const report = await s.settleNow();
    expect(report.created).toHaveLength(1);
    expect(report.confirmed).toEqual(report.created);
    expect(await net.tokenBalance(net.payout.address)).toBe(BigInt(owed));

    // Settling again pays nothing more: every job is already claimed by a statement.
    const again = await s.settleNow();
    expect(again.created).toHaveLength(0);
    expect(await net.tokenBalance(net.payout.address)).toBe(BigInt(owed));

    const statements = await net.feed.statements();
    expect(statements).toHaveLength(1);
    expect(statements[0]!.payload.jobs.map((j) => j.jobId).sort()).toEqual([...jobs].sort());
    expect(net.payouts().ingest(statements)).toEqual({ added: 1, refused: 0 });

    const first = await net.payouts().checkAll();
    expect(first.chain.state).toBe('ok');
    expect(first.payouts[0]!.status).toBe('pending');
    expect(first.payouts[0]!.confirmations).toBeLessThan(
      net.chainConfig.finality.mode === 'confirmations' ? net.chainConfig.finality.confirmations : 1,
    );

    await dev.mine(3);
    const second = await net.payouts().checkAll();
    expect(second.payouts[0]!.status).toBe('verified');
    expect(second.payouts[0]!.blockHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(second.payouts[0]!.chainAmount).toBe(owed);
    expect(second.payouts[0]!.ledgerAmount).toBe(owed);
  });

  it('a reorg that drops the payout turns verified into reverted', async () => {
    net = await paidNetwork();
    await net.runJobs(2);
    const { s, dev } = chainOf(net);
    const snap = await dev.snapshot();
    await s.settleNow();
    net.payouts().ingest(await net.feed.statements());
    await dev.mine(4);
    expect((await net.payouts().checkAll()).payouts[0]!.status).toBe('verified');
    const seen = net.statements.all()[0]!.seenBlockHash;
    expect(seen).toMatch(/^0x/);

    expect(await dev.revert(snap)).toBe(true);
    const after = await net.payouts().checkAll();
    expect(after.payouts[0]!.status).toBe('reverted');
    expect(net.statements.all()[0]!.seenBlockHash).toBe(seen);
    expect(await net.tokenBalance(net.payout.address)).toBe(0n);
  });

  it('a failed broadcast is retried on the same nonce and pays exactly once', async () => {
    let failures = 0;
    net = await paidNetwork({
      broadcast: async (signed, chain) => {
        if (failures++ === 0) throw new Error('replacement transaction underpriced');
        await chain.provider.broadcastTransaction(signed);
      },
    });
    await net.runJobs(2);
    const owed = net.earnings.all().reduce((s, e) => s + e.net, 0);
    const { s, treasury, provider } = chainOf(net);
    const nonceBefore = await provider.getTransactionCount(treasury.address, 'latest');

    const first = await s.settleNow();
    expect(first.failed).toHaveLength(1);
    expect(first.failed[0]!.error).toMatch(/underpriced/);
    expect(await net.tokenBalance(net.payout.address)).toBe(0n);

    const second = await s.settleNow();
    expect(second.confirmed).toEqual(first.failed.map((f) => f.statementId));
    const third = await s.settleNow();
    expect(third.confirmed).toHaveLength(0);
    expect(await net.tokenBalance(net.payout.address)).toBe(BigInt(owed));
    expect(await provider.getTransactionCount(treasury.address, 'latest')).toBe(nonceBefore + 1);
    const row = (await net.coord.ctx.db.query('SELECT tx_nonce, attempts, tx_hashes FROM settlements')).rows[0]!;
    expect(Number(row.attempts)).toBe(2);
    expect(Number(row.tx_nonce)).toBe(nonceBefore);
  });
});

describe('payouts that must not verify', () => {
  async function forged(n: PaidNetwork, txHash: string, amount: number, jobs: { jobId: string; net: number }[]) {
    const { s } = chainOf(n);
    const payload: SettlementStatement = {
      ...makeStamp(n.chainConfig.chainId, Date.now(), crypto.randomBytes),
      kind: 'settlement_statement',
      statementId: `stmt_${crypto.randomBytes(6).toString('hex')}`,
      nodeId: n.node.nodeId!,
      nodeAddress: n.identity.address,
      payoutAddress: n.payout.address,
      period: { from: 0, to: Date.now() },
      jobs,
      amount,
      token: { address: n.chainConfig.token.address, symbol: 'USDC', decimals: 6 },
      treasury: s.chain.treasury.address,
      txHash,
    };
    return signPayload(n.coord.ctx.secrets.signer, payload);
  }

  it('a transfer from a non-treasury address, of a wrong token, or of a wrong amount does not verify', async () => {
    net = await paidNetwork();
    await net.runJobs(2);
    const rows = net.earnings.all();
    const owed = rows.reduce((s, e) => s + e.net, 0);
    const jobs = rows.map((r) => ({ jobId: r.jobId, net: r.net }));
    const { dev, treasury, provider } = chainOf(net);
    const token = new Contract(net.chainConfig.token.address, ERC20_ABI, treasury);

    // A stranger holding real payout tokens sends them: right token, right amount, wrong sender.
    const stranger = Wallet.createRandom().connect(provider);
    await (await treasury.sendTransaction({ to: stranger.address, value: parseEther('1') })).wait();
    await (await token.getFunction('transfer')(stranger.address, BigInt(owed))).wait();
    const fromStranger = await (
      await (token.connect(stranger) as Contract).getFunction('transfer')(net.payout.address, BigInt(owed))
    ).wait();

    // The treasury sends a look-alike token contract.
    const otherAddr = await dev.deployToken('USDC', 6, treasury as unknown as Wallet);
    const other = new Contract(otherAddr, [...ERC20_ABI, 'function mint(address to, uint256 value)'], treasury);
    await (await other.getFunction('mint')(treasury.address, 10n ** 12n)).wait();
    const wrongToken = await (await other.getFunction('transfer')(net.payout.address, BigInt(owed))).wait();

    // The treasury sends the right token, one unit short.
    const short = await (await token.getFunction('transfer')(net.payout.address, BigInt(owed - 1))).wait();

    const statements = [
      await forged(net, fromStranger!.hash, owed, jobs),
      await forged(net, wrongToken!.hash, owed, jobs),
      await forged(net, short!.hash, owed, jobs),
    ];
    net.payouts().ingest(statements);
    await dev.mine(5);
    const { payouts } = await net.payouts().checkAll();
    const byTx = new Map(payouts.map((p) => [p.txHash, p]));
    const a = byTx.get(fromStranger!.hash)!;
    expect(a.status).toBe('mismatch');
    expect(a.reasons).toContain('wrong_sender');
    const b = byTx.get(wrongToken!.hash)!;
    expect(b.status).toBe('mismatch');
    expect(b.reasons).toContain('wrong_token');
    const c = byTx.get(short!.hash)!;
    expect(c.status).toBe('mismatch');
    expect(c.reasons).toEqual(['chain_amount']);
    expect(c.chainAmount).toBe(owed - 1);
    expect(c.ledgerAmount).toBe(owed);
    for (const p of payouts) expect(p.status).not.toBe('verified');
  });

  it('a statement signed by another key, or naming a tx that does not exist, does not verify', async () => {
    net = await paidNetwork();
    await net.runJobs(1);
    const { s, dev } = chainOf(net);
    await s.settleNow();
    const [genuine] = await net.feed.statements();
    const impostor = Wallet.createRandom();
    const reSigned = await signPayload(impostor, { ...genuine!.payload, statementId: 'stmt_impostor01' });
    const ghost = await forged(net, `0x${'ab'.repeat(32)}`, genuine!.payload.amount, genuine!.payload.jobs);
    net.payouts().ingest([reSigned, ghost]);
    await dev.mine(5);
    const { payouts } = await net.payouts().checkAll();
    const imp = payouts.find((p) => p.statementId === 'stmt_impostor01')!;
    expect(imp.status).toBe('mismatch');
    expect(imp.reasons).toContain('bad_signature');
    expect(payouts.find((p) => p.statementId === ghost.payload.statementId)!.status).toBe('missing');
  });

  it('with the chain RPC down the check says so and keeps the last verdicts', async () => {
    net = await paidNetwork();
    await net.runJobs(1);
    const { s, dev } = chainOf(net);
    await s.settleNow();
    net.payouts().ingest(await net.feed.statements());
    await dev.mine(4);
    expect((await net.payouts().checkAll()).payouts[0]!.status).toBe('verified');
    const dead = new ChainReader({ ...net.chainConfig, rpcUrl: 'http://127.0.0.1:9' }, 1000);
    const res = await net.payouts(dead).checkAll();
    expect(res.chain.state).toBe('unavailable');
    expect(res.chain.state === 'unavailable' && res.chain.message).toMatch(/did not answer.*RPC URL/);
    expect(res.payouts[0]!.status).toBe('verified');
  });
});
