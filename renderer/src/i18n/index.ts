import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../shared/settings/schema';

/**
 * Every locale file under locales/<lang>/<namespace>.json is picked up here, so a capability adds
 * its strings by adding files, not by editing this module.
 */
const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true });

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function collect(): Resources {
  const resources: Resources = {};
  for (const [path, mod] of Object.entries(files)) {
    const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (!match) continue;
    const [, lang, ns] = match as unknown as [string, string, string];
    resources[lang] ??= {};
    resources[lang][ns] = mod.default;
  }
  return resources;
}

const resources = collect();

void i18next.use(initReactI18next).init({
  resources,
  lng: 'en',
  fallbackLng: 'en',
  defaultNS: 'common',
  ns: Object.keys(resources.en ?? {}),
  interpolation: { escapeValue: false },
});

/** BCP 47 locales for Intl: Swahili is shown the way Kenya writes numbers and money. */
export const INTL_LOCALE: Record<Language, string> = { en: 'en-US', es: 'es-419', sw: 'sw-KE' };

export function setLanguage(language: Language): void {
  if (i18next.language !== language) void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export default i18next;
