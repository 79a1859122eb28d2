import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressProxy, type Refusal } from '../../../electron/core/egress/proxy';

const refusals: Refusal[] = [];
const proxy = new EgressProxy((r) => refusals.push(r));
let port = 0;
let secretPort = 0;
const secret = http.createServer((_req, res) => res.end('secret'));

beforeAll(async () => {
  port = await proxy.listen('127.0.0.1');
  await new Promise<void>((r) => secret.listen(0, '127.0.0.1', r));
  secretPort = (secret.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await proxy.close();
  secret.close();
});

function viaProxy(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: url, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`),
    );
    let data = '';
    socket.on('data', (c) => {
      data += c.toString();
      if (data.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(data.split('\r\n')[0]!);
      }
    });
    socket.on('error', reject);
    socket.on('end', () => resolve(data.split('\r\n')[0]!));
  });
}

describe('egress proxy', () => {
  it('refuses a plain request to a loopback service and says why', async () => {
    const res = await viaProxy(`http://127.0.0.1:${secretPort}/`);
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/loopback/);
    expect(res.body).not.toContain('secret');
    expect(refusals.at(-1)).toMatchObject({ target: `127.0.0.1:${secretPort}` });
  });

  it('refuses names that resolve to private addresses', async () => {
    const res = await viaProxy(`http://localhost:${secretPort}/`);
    expect(res.status).toBe(403);
  });

  it.each([
    ['10.0.0.1:443', /403/],
    ['169.254.169.254:80', /403/],
    ['[::1]:443', /403/],
    ['1.1.1.1:25', /403/],
  ])('refuses CONNECT to %s', async (target, status) => {
    expect(await connect(target)).toMatch(status);
  });

  it('refuses requests that are not proxy requests', async () => {
    expect((await viaProxy('/relative')).status).toBe(400);
    expect((await viaProxy('ftp://example.com/')).status).toBe(400);
  });
});
