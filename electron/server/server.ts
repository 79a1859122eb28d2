import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { dashboardCsp } from '../../shared/security/csp';
import type { Agent } from '../core/agent';
import { hostAllowed, originAllowed, parseCookies } from './guard';
import { tokensMatch } from './token';

export const AUTH_COOKIE = 'rigshare_token';

const DASHBOARD_CSP = dashboardCsp();

export interface ServerOptions {
  agent: Agent;
  token: string;
  host: string;
  port: number;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
}

export interface RunningServer {
  url: string;
  /** The URL with the token, which opens the dashboard with one click. */
  dashboardUrl: string;
  port: number;
  close(): Promise<void>;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden' };

function refuse(req: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  if (req.headers.upgrade) {
    // A refused WebSocket upgrade has no HTTP response object to finish; answer on the raw socket
    // and close it, or the connection would linger and hold the server open.
    reply.hijack();
    const body = JSON.stringify({ error: { code, message } });
    req.raw.socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    return reply;
  }
  return reply.code(status).send({ error: { code, message } });
}

/**
 * The app contract over HTTP + WebSocket, for a browser or a headless rig. Every request must
 * carry the install token (cookie or bearer), a Host that is not a rebound name, and no foreign
 * Origin.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { agent, token } = options;
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 256 * 1024, forceCloseConnections: true });
  let boundPort = options.port;

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!hostAllowed(req.headers.host, boundPort)) {
      return refuse(
        req,
        reply,
        403,
        'forbidden',
        'Host not allowed. Open the dashboard by its 127.0.0.1 or localhost address.',
      );
    }
    if (!originAllowed(req.headers.origin, req.headers.host)) {
      return refuse(req, reply, 403, 'forbidden', 'Cross-site request refused.');
    }
    const url = new URL(req.url, 'http://local');
    const queryToken = url.searchParams.get('token') ?? undefined;
    if (req.method === 'GET' && url.pathname === '/' && tokensMatch(queryToken, token)) {
      // Trade the token in the link for an HttpOnly cookie, and drop it from the address bar.
      reply.header('set-cookie', `${AUTH_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      return reply.redirect('/', 302);
    }
    const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
    const cookie = parseCookies(req.headers.cookie)[AUTH_COOKIE];
    if (!tokensMatch(bearer, token) && !tokensMatch(cookie, token)) {
      return refuse(
        req,
        reply,
        401,
        'unauthorized',
        'Missing or wrong dashboard token. Open the URL the agent printed.',
      );
    }
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', DASHBOARD_CSP);
    return payload;
  });

  await app.register(fastifyWebsocket);

  app.post('/api/:method', async (req, reply) => {
    const { method } = req.params as { method: string };
    const result = await agent.call(method, req.body ?? {});
    if ('error' in result) {
      const status = {
        bad_request: 400,
        not_found: 404,
        unauthorized: 401,
        forbidden: 403,
        conflict: 409,
        unavailable: 503,
        timeout: 504,
      }[result.error.code as string];
      return reply.code(status ?? 500).send(result);
    }
    return reply.send(result);
  });

  app.get('/api/events', { websocket: true }, (socket) => {
    const release = agent.addWatcher();
    const off = agent.events.onAny((event, payload) => {
      socket.send(JSON.stringify({ event, payload }));
    });
    socket.send(JSON.stringify({ event: 'agent.status', payload: agent.status() }));
    socket.on('close', () => {
      off();
      release();
    });
  });

  if (fs.existsSync(path.join(options.rendererDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'] });
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/plain').send('The dashboard has not been built. Run "npm run build" and restart the agent.'),
    );
  }

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  boundPort = typeof address === 'object' && address ? address.port : options.port;
  const base = `http://${displayHost(options.host)}:${boundPort}`;
  return {
    url: `${base}/`,
    dashboardUrl: `${base}/?token=${token}`,
    port: boundPort,
    close: () => app.close(),
  };
}
