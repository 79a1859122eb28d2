import { useMemo } from 'react';
import { formatBytes, formatMoney, formatNumber, formatPercent } from '../../../shared/format/numbers';
import { INTL_LOCALE } from '../i18n';
import { settings } from '../stores/settings';

/** Formatting bound to the user's language and currency. */
export function useFormat() {
  const { data } = settings.use();
  const language = data?.settings.language ?? 'en';
  const currency = data?.settings.currency ?? 'USD';
  const locale = INTL_LOCALE[language];
  return useMemo(
    () => ({
      locale,
      currency,
      money: (amount: number, code: string = currency) => formatMoney(amount, code, locale),
      number: (value: number, digits?: number) => formatNumber(value, locale, digits),
      percent: (fraction: number) => formatPercent(fraction, locale),
      bytes: (bytes: number) => formatBytes(bytes, locale),
    }),
    [locale, currency],
  );
}
