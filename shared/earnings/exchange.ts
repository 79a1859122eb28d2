import { z } from 'zod';
import { CURRENCIES, CurrencyCode } from '../format/currency';

/** Units of each currency per 1 USD, with the date the table was made. Bundled; never fetched. */
export const ExchangeTable = z
  .object({
    base: z.literal('USD'),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    source: z.string(),
    rates: z.record(CurrencyCode, z.number().positive()),
  })
  .strict()
  .refine((t) => CURRENCIES.every((c) => typeof t.rates[c] === 'number'), 'every app currency needs a rate');
export type ExchangeTable = z.infer<typeof ExchangeTable>;

export const ExchangeOverrides = z.partialRecord(CurrencyCode, z.number().positive());
export type ExchangeOverrides = z.infer<typeof ExchangeOverrides>;

export interface ResolvedRate {
  currency: CurrencyCode;
  perUsd: number;
  /** "user" when the owner typed the rate in; otherwise the bundled table's date. */
  origin: 'user' | 'bundled';
  date: string | null;
}

export function resolveRate(
  table: ExchangeTable,
  currency: CurrencyCode,
  overrides: ExchangeOverrides = {},
): ResolvedRate {
  const override = overrides[currency];
  if (override !== undefined) return { currency, perUsd: override, origin: 'user', date: null };
  const perUsd = table.rates[currency];
  if (perUsd === undefined) throw new Error(`No exchange rate for ${currency}. Enter one in Settings.`);
  return { currency, perUsd, origin: 'bundled', date: table.date };
}
