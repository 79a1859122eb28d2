import { z } from 'zod';

/** Currencies the app can show money in. Operators think in their own money, not in dollars. */
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'KES', 'NGN', 'PHP', 'COP', 'BRL', 'INR', 'MXN', 'ZAR'] as const;
export const CurrencyCode = z.enum(CURRENCIES);
export type CurrencyCode = z.infer<typeof CurrencyCode>;
