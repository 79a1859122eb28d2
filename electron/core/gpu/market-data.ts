import fs from 'node:fs';
import path from 'node:path';
import { describeZodError } from '../../../shared/api/errors';
import { ExchangeTable } from '../../../shared/earnings/exchange';
import { RateCard } from '../../../shared/earnings/rate-card';

import { DEFAULT_RESOURCES_DIR } from '../resources';

export { DEFAULT_RESOURCES_DIR };

export interface MarketData {
  rateCard: RateCard;
  exchange: ExchangeTable;
}

function readJson<T>(
  file: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } },
): T {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read ${file}: ${(err as Error).message}. Reinstall Rigshare to restore it.`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file} is not valid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** The bundled rate cards and exchange table. Read from disk, never from the network. */
export function loadMarketData(resourcesDir = DEFAULT_RESOURCES_DIR): MarketData {
  return {
    rateCard: readJson(path.join(resourcesDir, 'rate-cards.json'), RateCard),
    exchange: readJson(path.join(resourcesDir, 'exchange-rates.json'), ExchangeTable),
  };
}
