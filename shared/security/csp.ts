/**
 * The dashboard's one Content-Security-Policy, enforced by the desktop shell and by the HTTP
 * server alike. The page may run only its own bundled scripts and styles, talk only to itself,
 * and never be framed or submit forms elsewhere. A dev server additionally needs inline scripts
 * (React refresh preamble), injected styles and its HMR websocket.
 */
export function dashboardCsp(devServerOrigin: string | null = null): string {
  const dev = devServerOrigin !== null;
  const hmr = dev ? ` ${devServerOrigin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'none'",
    dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${hmr}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
