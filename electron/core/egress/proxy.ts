import dns from 'node:dns/promises';
import http from 'node:http';
import net from 'node:net';
import { blockedReason, hostView, type HostView } from './address-policy';

/** Ports a job may not reach even on a public address: outbound mail is how rigs get blocklisted. */
const BLOCKED_PORTS = new Set([25, 465, 587]);
const MAX_CONNECTIONS = 64;
const IDLE_MS = 5 * 60_000;

export interface Refusal {
  target: string;
  reason: string;
}

type Resolved = { ok: true; address: string; family: number } | { ok: false; reason: string };

/**
 * The one way out of a job's internal network: an HTTP proxy (plain requests and CONNECT) that
 * resolves the destination itself and connects only to public addresses. It connects to the
 * address it checked, so a second DNS answer cannot redirect it to the owner's LAN.
 */
export class EgressProxy {
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  private view: HostView = hostView();

  constructor(private readonly onRefusal: (r: Refusal) => void = () => {}) {
    this.server = http.createServer((req, res) => void this.forward(req, res));
    this.server.on(
      'connect',
      (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => void this.tunnel(req, socket, head),
    );
    this.server.on('connection', (socket: net.Socket) => {
      if (this.sockets.size >= MAX_CONNECTIONS) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.setTimeout(IDLE_MS, () => socket.destroy());
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on one address only: the job network's gateway, never all interfaces. */
  async listen(host: string, port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port, exclusive: true }, () => resolve());
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async resolve(host: string, port: number): Promise<Resolved> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, reason: `port ${port} is not valid` };
    if (BLOCKED_PORTS.has(port)) return { ok: false, reason: `port ${port} (mail) is not allowed from jobs` };
    const bare = host.replace(/^\[|\]$/g, '');
    let addresses: { address: string; family: number }[];
    try {
      addresses = net.isIP(bare)
        ? [{ address: bare, family: net.isIP(bare) }]
        : await dns.lookup(bare, { all: true, verbatim: true });
    } catch {
      return { ok: false, reason: `${bare} does not resolve` };
    }
    this.view = hostView();
    for (const a of addresses) {
      const why = blockedReason(a.address, this.view);
      if (why) return { ok: false, reason: why };
    }
    if (addresses.length === 0) return { ok: false, reason: `${bare} does not resolve` };
    return { ok: true, ...addresses[0]! };
  }

  private async forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Send absolute URLs through this proxy.\n');
      return;
    }
    if (target.protocol !== 'http:') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Use CONNECT for anything but plain http.\n');
      return;
    }
    const port = Number(target.port || 80);
    const resolved = await this.resolve(target.hostname, port);
    if (!resolved.ok) {
      this.onRefusal({ target: `${target.hostname}:${port}`, reason: resolved.reason });
      res
        .writeHead(403, { 'content-type': 'text/plain' })
        .end(`Refused by the Rigshare egress proxy: ${resolved.reason}\n`);
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = http.request(
      {
        host: resolved.address,
        family: resolved.family,
        port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: { ...headers, host: target.host },
        setHost: false,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`Upstream error: ${err.message}\n`);
    });
    req.pipe(upstream);
  }

  private async tunnel(req: http.IncomingMessage, socket: net.Socket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    if (!m) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const resolved = await this.resolve(m[1]!, Number(m[2]));
    if (!resolved.ok) {
      this.onRefusal({ target: req.url ?? '', reason: resolved.reason });
      socket.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nRefused by the Rigshare egress proxy: ${resolved.reason}\n`,
      );
      return;
    }
    const upstream = net.connect({ host: resolved.address, port: Number(m[2]), family: resolved.family }, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    socket.on('close', () => upstream.destroy());
  }
}
