import { z } from 'zod';
import { CurrencyCode } from '../format/currency';
import { SlaTier } from '../protocol/messages';
import { ChainInfo } from '../wallet/chain-info';

/**
 * The network whose statements the wallet checks (its /v1/chain supplies the chain), an explicit
 * chain that wins over the network's description, and the SLA tier uptime is measured against.
 */
export const PayoutSettings = z
  .object({
    networkUrl: z.string().url().max(500).nullable(),
    chain: ChainInfo.nullable(),
    slaTier: SlaTier,
  })
  .strict();
export type PayoutSettings = z.infer<typeof PayoutSettings>;

export const Language = z.enum(['en', 'es', 'sw']);
export type Language = z.infer<typeof Language>;

/**
 * Everything the user can change. Defaults make a fresh install usable; each field is read by a
 * real feature, so nothing here is decorative.
 */
export const Settings = z
  .object({
    language: Language.default('en'),
    currency: CurrencyCode.default('USD'),
    /** Price of one kWh in `currency` (up to 100 000: a kWh costs hundreds of pesos or naira). Drives every net-earnings figure. */
    electricityPricePerKwh: z.number().min(0).max(100_000).default(0.15),
    /** Hours per day the rig is offered to the network. */
    hoursPerDay: z.number().min(0).max(24).default(20),
    /** Share of offered hours a renter is expected to use the GPU; scales every earnings estimate. */
    expectedUtilization: z.number().min(0).max(1).default(0.6),
    /** Units of a currency per USD typed in by the owner; they win over the bundled, dated table. */
    exchangeRateOverrides: z.partialRecord(CurrencyCode, z.number().positive().max(1e7)).default({}),
    /** Registries (host[:port]) that job images may come from; `*` allows any. */
    registryAllowlist: z
      .array(
        z
          .string()
          .min(1)
          .max(253)
          .regex(/^(\*|[A-Za-z0-9.-]+(:\d+)?)$/, 'must be a registry host, like ghcr.io or 127.0.0.1:5000'),
      )
      .max(64)
      .default(['docker.io', 'ghcr.io', 'nvcr.io']),
    /** Where payouts are checked: the network that pays, and optionally the chain it pays on. */
    payouts: PayoutSettings.default({ networkUrl: null, chain: null, slaTier: 'bronze' }),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export function defaultSettings(): Settings {
  return Settings.parse({});
}
