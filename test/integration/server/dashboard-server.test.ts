import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Agent } from '../../../electron/core/agent';
import { createLogger } from '../../../electron/core/log/logger';
import { AUTH_COOKIE, startServer, type RunningServer } from '../../../electron/server/server';
import { loadOrCreateToken } from '../../../electron/server/token';

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

describe('dashboard server', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-server-'));
  const rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-renderer-'));
  let agent: Agent;
  let server: RunningServer;
  let token: string;
  let host: string;

  beforeAll(async () => {
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Rigshare</title>');
    agent = new Agent({ dataDir, log: createLogger({ name: 'test', stdout: false }) });
    await agent.start();
    token = loadOrCreateToken(dataDir);
    server = await startServer({ agent, token, host: '127.0.0.1', port: 0, rendererDir });
    host = `127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server.close();
    await agent.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(rendererDir, { recursive: true, force: true });
  });

  const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
    request(server.port, {
      method: 'POST',
      path: `/api/${method}`,
      headers: { host, 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });

  it('keeps the token across restarts, owner-only on disk', () => {
    expect(loadOrCreateToken(dataDir)).toBe(token);
    expect(fs.statSync(path.join(dataDir, 'dashboard-token')).mode & 0o077).toBe(0);
  });

  it('answers a contract call with the token and reports the Docker engine', async () => {
    const res = await call('system.info', {});
    expect(res.status).toBe(200);
    const info = JSON.parse(res.body).ok;
    expect(info.docker.reachable).toBe(true);
    expect(info.docker.version).toMatch(/^\d+\.\d+/);
    expect(info.agent.dataDir).toBe(dataDir);
  });

  it('refuses a request without the token', async () => {
    const res = await request(server.port, {
      method: 'POST',
      path: '/api/system.info',
      headers: { host, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error.code).toBe('unauthorized');
    expect((await request(server.port, { path: '/', headers: { host } })).status).toBe(401);
  });

  it('refuses a wrong token of the same length', async () => {
    const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const res = await call('system.info', {}, { authorization: `Bearer ${wrong}` });
    expect(res.status).toBe(401);
  });

  it('refuses a foreign Host header even with the token (DNS rebinding)', async () => {
    const rebound = await call('system.info', {}, { host: `evil.example:${server.port}` });
    expect(rebound.status).toBe(403);
    const wrongPort = await call('system.info', {}, { host: '127.0.0.1:1' });
    expect(wrongPort.status).toBe(403);
    const localhost = await call('system.info', {}, { host: `localhost:${server.port}` });
    expect(localhost.status).toBe(200);
  });

  it('refuses a cross-site Origin', async () => {
    const res = await call('settings.update', { currency: 'EUR' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    const settings = JSON.parse((await call('settings.get', {})).body).ok.settings;
    expect(settings.currency).not.toBe('EUR');
  });

  it('trades the token in the printed URL for an HttpOnly cookie and strips it from the address', async () => {
    const res = await request(server.port, { path: `/?token=${token}`, headers: { host } });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`${AUTH_COOKIE}=`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await request(server.port, { path: '/', headers: { host, cookie: `${AUTH_COOKIE}=${token}` } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Rigshare');
  });

  it('validates inputs against the contract and reports bad ones as errors with a code', async () => {
    const bad = await call('settings.update', { hoursPerDay: 'all day' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatchObject({ code: 'bad_request' });
    expect(JSON.parse(bad.body).error.message).toMatch(/hoursPerDay/);
    const unknown = await call('system.format', {});
    expect(unknown.status).toBe(404);
    const malformed = await request(server.port, {
      method: 'POST',
      path: '/api/settings.update',
      headers: { host, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"currency":',
    });
    expect(malformed.status).toBe(400);
  });

  it('pushes events over the WebSocket and refuses a socket without the token', async () => {
    const url = `ws://127.0.0.1:${server.port}/api/events`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);

    const ws = new WebSocket(url, { headers: { cookie: `${AUTH_COOKIE}=${token}` } });
    const seen: { event: string; payload: unknown }[] = [];
    ws.on('message', (m) => seen.push(JSON.parse(String(m))));
    await new Promise((r) => ws.on('open', r));
    await call('settings.update', { currency: 'PHP' });
    for (let i = 0; i < 50 && !seen.some((e) => e.event === 'data.changed'); i += 1)
      await new Promise((r) => setTimeout(r, 20));
    ws.close();
    expect(seen[0]).toMatchObject({ event: 'agent.status' });
    expect(seen).toContainEqual({ event: 'data.changed', payload: { topic: 'settings' } });
  });
});
