import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Wallet } from 'ethers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedgerDb } from '../../../electron/core/ledger/database';
import { computeUptime, monthOutlook } from '../../../electron/core/uptime/compute';
import { UptimeStore } from '../../../electron/core/uptime/store';
import { signPayload } from '../../../shared/protocol/signing';

const INTERVAL = 15_000;
const MAX_GAP = 22_500;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 3); // a day boundary

describe('uptime by the gap rule', () => {
  it('credits steady heartbeats fully and a gap longer than the interval not at all', () => {
    const beats = [];
    for (let t = T0; t <= T0 + 60 * 60_000; t += INTERVAL) beats.push({ at: t, paused: false });
    const steady = computeUptime({ beats, local: [], maxGapMs: MAX_GAP, from: T0, now: T0 + 60 * 60_000 });
    expect(steady.creditedMs).toBe(60 * 60_000);
    expect(steady.incidents).toEqual([]);

    // Remove ten minutes of heartbeats: that whole gap earns nothing (not even one interval).
    const gapped = beats.filter((b) => b.at <= T0 + 20 * 60_000 || b.at >= T0 + 30 * 60_000);
    const res = computeUptime({ beats: gapped, local: [], maxGapMs: MAX_GAP, from: T0, now: T0 + 60 * 60_000 });
    expect(res.creditedMs).toBe(50 * 60_000);
    expect(res.incidents).toEqual([
      { from: T0 + 20 * 60_000, to: T0 + 30 * 60_000, durationMs: 10 * 60_000, cause: 'agent_stopped' },
    ]);
  });

  it('a gap just over the allowed interval earns nothing; one at it earns all', () => {
    const at = (ms: number) => ({ at: T0 + ms, paused: false });
    expect(
      computeUptime({ beats: [at(0), at(MAX_GAP)], local: [], maxGapMs: MAX_GAP, from: T0, now: T0 + MAX_GAP })
        .creditedMs,
    ).toBe(MAX_GAP);
    expect(
      computeUptime({ beats: [at(0), at(MAX_GAP + 1)], local: [], maxGapMs: MAX_GAP, from: T0, now: T0 + MAX_GAP + 1 })
        .creditedMs,
    ).toBe(0);
  });

  it('names incidents from the local ledger: offline, paused by the user, agent stopped', () => {
    const beats = [
      { at: T0, paused: false },
      { at: T0 + 60_000, paused: false }, // offline gap follows
      { at: T0 + 600_000, paused: true }, // paused stretch follows
      { at: T0 + 610_000, paused: false },
      { at: T0 + 620_000, paused: false }, // agent stopped follows
      { at: T0 + 1_200_000, paused: false },
    ];
    const local = [
      { at: T0 + 120_000, outcome: 'offline' as const },
      { at: T0 + 300_000, outcome: 'offline' as const },
    ];
    const res = computeUptime({ beats, local, maxGapMs: MAX_GAP, from: T0, now: T0 + 1_200_000 });
    expect(res.incidents.map((i) => i.cause)).toEqual(['agent_stopped', 'offline', 'paused', 'agent_stopped']);
    expect(res.incidents[1]).toMatchObject({ from: T0 + 60_000, to: T0 + 600_000 });
    expect(res.creditedMs).toBe(10_000);
  });

  it('splits credit across UTC days and reports per-day ratios', () => {
    const beats = [];
    for (let t = T0 + DAY - 60_000; t <= T0 + DAY + 60_000; t += 10_000) beats.push({ at: t, paused: false });
    const res = computeUptime({ beats, local: [], maxGapMs: MAX_GAP, from: T0, now: T0 + 2 * DAY - 1 });
    expect(res.days).toHaveLength(2);
    expect(res.days[0]).toMatchObject({ day: '2026-11-03', creditedMs: 60_000 });
    expect(res.days[1]).toMatchObject({ day: '2026-11-04', creditedMs: 60_000 });
    expect(res.days[0]!.ratio).toBeCloseTo(60_000 / DAY, 9);
  });

  it('warns when the month is at risk and says when it is already missed', () => {
    const now = Date.UTC(2026, 10, 11); // 10 days into a 30-day month
    const start = Date.UTC(2026, 10, 1);
    const beats = [];
    for (let t = start; t <= now; t += 10_000) if (t < start + 9.8 * DAY) beats.push({ at: t, paused: false });
    const gold = monthOutlook({ beats, local: [], maxGapMs: MAX_GAP, now }, 0.999);
    expect(gold.state).toBe('missed');
    const bronze = monthOutlook({ beats, local: [], maxGapMs: MAX_GAP, now }, 0.95);
    expect(bronze.state).toBe('ok');
    const silver = monthOutlook({ beats, local: [], maxGapMs: MAX_GAP, now }, 0.99);
    expect(silver.state).toBe('at_risk');
    expect(silver.bestPossible).toBeGreaterThan(0.99);
  });

  it('judges a rig that joined mid-month from its first heartbeat, not from the 1st', () => {
    const joined = Date.UTC(2026, 10, 25, 9);
    const now = joined + 6 * 3_600_000;
    const beats = [];
    for (let t = joined; t <= now; t += 10_000) beats.push({ at: t, paused: false });
    const newcomer = monthOutlook({ beats, local: [], maxGapMs: MAX_GAP, now, serviceStart: joined }, 0.99);
    expect(newcomer.state).toBe('ok');
    expect(newcomer.achieved).toBeGreaterThan(0.999);
    // Without the service start the same rig would be told the month is already lost.
    expect(monthOutlook({ beats, local: [], maxGapMs: MAX_GAP, now }, 0.99).state).toBe('missed');
    // An outage after joining still counts against it.
    const gap = beats.filter((b) => b.at < joined + 3_600_000 || b.at > joined + 3 * 3_600_000);
    const outage = monthOutlook({ beats: gap, local: [], maxGapMs: MAX_GAP, now, serviceStart: joined }, 0.99);
    expect(outage.achieved).toBeLessThan(0.7);
    expect(outage.state).not.toBe('ok');
  });
});

describe('receipts', () => {
  let dir: string;
  let store: UptimeStore;
  let close: () => void;
  const coordinator = Wallet.createRandom();
  const node = Wallet.createRandom();
  const ctx = { coordinator: coordinator.address, chainId: 31337, nodeAddress: node.address };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-uptime-'));
    const db = openLedgerDb(path.join(dir, 'ledger.sqlite'));
    store = new UptimeStore(db);
    close = () => db.close();
  });
  afterEach(() => {
    close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const nonce = () => crypto.randomBytes(16).toString('hex');
  function receipt(
    signer: { signMessage(m: string): Promise<string> },
    heartbeatNonce: string,
    at: number,
    over: Record<string, unknown> = {},
  ) {
    return signPayload(signer, {
      nonce: nonce(),
      timestamp: at,
      chainId: 31337,
      kind: 'heartbeat_receipt' as const,
      nodeId: 'node_abcdef',
      nodeAddress: node.address,
      heartbeatNonce,
      receivedAt: at,
      ...over,
    });
  }

  it('accepts a genuine receipt once, and refuses the same one replayed', async () => {
    const hb = nonce();
    store.recordHeartbeat(hb, T0, 'idle', 'acked');
    const r = await receipt(coordinator, hb, T0 + 40);
    expect(store.acceptReceipt(r, ctx)).toMatchObject({ ok: true });
    expect(store.acceptReceipt(r, ctx)).toEqual({ ok: false, reason: 'replayed' });
    // A second, freshly signed receipt for the same heartbeat is a replay of that heartbeat.
    expect(store.acceptReceipt(await receipt(coordinator, hb, T0 + 50), ctx)).toEqual({
      ok: false,
      reason: 'replayed',
    });
    expect(store.credited(0)).toHaveLength(1);
    expect(store.counts()).toEqual({ accepted: 1, rejected: 2 });
  });

  it('refuses forged, tampered, foreign and unsolicited receipts, and none of them earns credit', async () => {
    const hb = nonce();
    store.recordHeartbeat(hb, T0, 'idle', 'acked');
    const forged = await receipt(Wallet.createRandom(), hb, T0);
    expect(store.acceptReceipt(forged, ctx)).toEqual({ ok: false, reason: 'forged' });
    const genuine = await receipt(coordinator, hb, T0);
    const tampered = { ...genuine, payload: { ...genuine.payload, receivedAt: T0 + 1 } };
    expect(store.acceptReceipt(tampered, ctx)).toEqual({ ok: false, reason: 'forged' });
    expect(
      store.acceptReceipt(await receipt(coordinator, hb, T0, { nodeAddress: Wallet.createRandom().address }), ctx),
    ).toEqual({ ok: false, reason: 'wrong_node' });
    expect(store.acceptReceipt(await receipt(coordinator, hb, T0, { chainId: 1 }), ctx)).toEqual({
      ok: false,
      reason: 'wrong_chain',
    });
    expect(store.acceptReceipt(await receipt(coordinator, nonce(), T0), ctx)).toEqual({
      ok: false,
      reason: 'unknown_heartbeat',
    });
    expect(store.acceptReceipt(await receipt(coordinator, hb, T0 + 10 * 60_000), ctx)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(store.acceptReceipt({ payload: {}, signature: 'x' }, ctx)).toEqual({ ok: false, reason: 'malformed' });
    expect(store.credited(0)).toEqual([]);
  });
});
