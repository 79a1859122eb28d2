import type { Session, WebContents, WebFrameMain } from 'electron';
import { dashboardCsp } from '../../shared/security/csp';
import { isAppUrl, type AppOrigin } from './origin';

/** The shared dashboard policy; only the dev server origin varies. */
export function contentSecurityPolicy(app: AppOrigin): string {
  return dashboardCsp(app.kind === 'dev' ? app.origin : null);
}

/** Adds the CSP to every response the session receives, replacing any the server sent. */
export function applyContentSecurityPolicy(session: Session, app: AppOrigin): void {
  const policy = contentSecurityPolicy(app);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [policy];
    callback({ responseHeaders: headers });
  });
}

/** The app needs no camera, microphone, location, notifications-by-page, USB, serial or HID. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** Only https links leave the app, and only to the system browser. */
export function isExternalLinkAllowed(raw: string): boolean {
  try {
    return new URL(raw).protocol === 'https:';
  } catch {
    return false;
  }
}

export type OpenExternal = (url: string) => Promise<void>;

/**
 * Keeps a web contents on the app's own page: no navigation elsewhere, no new windows, no
 * webviews. Links to https sites open in the user's browser instead.
 */
export function hardenWebContents(wc: WebContents, app: AppOrigin, openExternal: OpenExternal): void {
  wc.on('will-navigate', (event) => {
    if (isAppUrl(event.url, app)) return;
    event.preventDefault();
    if (isExternalLinkAllowed(event.url)) void openExternal(event.url).catch(() => undefined);
  });
  // A redirect is the server's choice, not the user's click, so it never opens a browser.
  wc.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, app)) event.preventDefault();
  });
  wc.on('will-attach-webview', (event) => event.preventDefault());
  wc.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
}

/**
 * An IPC message is trusted only from the top frame of the app's own page. A destroyed frame
 * (null), a subframe or any other URL is refused.
 */
export function isTrustedSender(
  frame: Pick<WebFrameMain, 'url' | 'parent'> | null | undefined,
  app: AppOrigin,
): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url, app);
}
