import http from 'node:http';
import { dockerSocket } from '../../helpers/test-env';

/** The engine's own version answer, straight from the socket, to compare with what the dashboard shows. */
export function dockerServerVersion(socketPath: string = dockerSocket()): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: '/version', timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          const parsed = JSON.parse(body) as { Version?: unknown };
          if (typeof parsed.Version !== 'string') throw new Error(`no Version in ${body}`);
          resolve(parsed.Version);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the Docker engine at ${socketPath} did not answer /version`)));
    req.on('error', reject);
  });
}
