import net from 'node:net';

/**
 * DNS rebinding works by pointing an attacker's host name at 127.0.0.1. A Host header that is
 * an IP literal or "localhost" cannot come from such a page, so only those are accepted, and
 * only on our own port.
 */
export function hostAllowed(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  let url: URL;
  try {
    url = new URL(`http://${hostHeader}`);
  } catch {
    return false;
  }
  if (url.username || url.password || url.pathname !== '/') return false;
  const effectivePort = url.port === '' ? 80 : Number(url.port);
  if (effectivePort !== port) return false;
  const name = url.hostname.replace(/^\[|\]$/g, '');
  return name === 'localhost' || net.isIP(name) !== 0;
}

/** A browser names the page that sent a request in Origin; it must be this dashboard itself. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!hostHeader) return false;
  return origin === `http://${hostHeader}`;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}
