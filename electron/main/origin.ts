import { pathToFileURL } from 'node:url';

/**
 * Where the app's own page comes from: the built renderer on disk, or the electron-vite dev
 * server while developing. Everything else is foreign content.
 */
export type AppOrigin = { kind: 'file'; indexUrl: string } | { kind: 'dev'; origin: string };

export function fileOrigin(indexHtmlPath: string): AppOrigin {
  return { kind: 'file', indexUrl: pathToFileURL(indexHtmlPath).href };
}

/** Only http(s) dev servers count; a malformed or other-scheme value is refused outright. */
export function devOrigin(devServerUrl: string): AppOrigin {
  const url = new URL(devServerUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`The dev server URL must be http(s), got ${url.protocol}. Check ELECTRON_RENDERER_URL.`);
  }
  return { kind: 'dev', origin: url.origin };
}

function parse(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * True when `raw` is the app's own page. For the built app that is exactly the renderer's
 * index.html (any hash or query: the router lives there), not any other file on disk.
 */
export function isAppUrl(raw: unknown, app: AppOrigin): boolean {
  if (typeof raw !== 'string') return false;
  const url = parse(raw);
  if (!url) return false;
  if (app.kind === 'dev') return url.origin === app.origin;
  const index = new URL(app.indexUrl);
  return url.protocol === 'file:' && url.host === index.host && url.pathname === index.pathname;
}

/** The URL to load the app's page from. */
export function appEntryUrl(app: AppOrigin): string {
  return app.kind === 'file' ? app.indexUrl : `${app.origin}/`;
}
