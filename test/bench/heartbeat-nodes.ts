/** The simulated nodes of the heartbeat benchmark: ids and addresses derived from their index. */
export function benchNodeId(i: number): string {
  return `node_bench${String(i).padStart(6, '0')}`;
}

export function benchNodeAddress(i: number): string {
  return `0x${i.toString(16).padStart(40, '0')}`;
}

/** Registers nodes 0..n-1 in one statement, the way 10,000 logins and registrations would leave them. */
export const BULK_NODES_SQL = `
  INSERT INTO nodes (id, address, created_at, registered_at, gpus, gpu_count, min_vram_mib, gpu_key, price_floor, sla_tier, tier_rank, state)
  SELECT 'node_bench' || lpad(i::text, 6, '0'), '0x' || lpad(to_hex(i), 40, '0'), $2, $2, '[]', 1, 24564, 'rtx-4090', 100000, 'silver', 1, 'idle'
  FROM generate_series(0, $1 - 1) AS i`;
