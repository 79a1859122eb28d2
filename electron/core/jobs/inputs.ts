import { createHash } from 'node:crypto';
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { JobSpec } from '../../../shared/jobs/spec';
import { blockedReason, hostView } from '../egress/address-policy';
import type { ArchiveFile } from './archive';

/** Thrown when an input cannot be trusted; the job is `rejected` with this reason. */
export class InputRefused extends Error {}

const MAX_URL_INPUT_BYTES = 512 * 1024 * 1024;

/** Fetches or decodes every input and checks it against its sha256 before the job sees it. */
export async function resolveInputs(spec: JobSpec): Promise<ArchiveFile[]> {
  const files: ArchiveFile[] = [];
  const seen = new Set<string>();
  for (const input of spec.inputs) {
    if (seen.has(input.path)) throw new InputRefused(`Input "${input.path}" is listed twice.`);
    seen.add(input.path);
    const data = input.base64 !== undefined ? Buffer.from(input.base64, 'base64') : await fetchInput(input.url!);
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== input.sha256) {
      throw new InputRefused(
        `Input "${input.path}" does not match its sha256 (expected ${input.sha256}, got ${actual}).`,
      );
    }
    files.push({ path: `input/${input.path}`, data });
  }
  return files;
}

/**
 * Downloads an input on the job's behalf. The agent runs on the owner's network, so the same
 * address rules as job egress apply: a spec cannot make the agent fetch from the LAN.
 */
async function fetchInput(url: string): Promise<Buffer> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const addresses = await dns.lookup(host, { all: true, verbatim: true });
  const view = hostView();
  for (const a of addresses) {
    const why = blockedReason(a.address, view);
    if (why) throw new InputRefused(`Input URL ${url} is not allowed: ${why}.`);
  }
  const pinned = addresses[0]!;
  const client = target.protocol === 'https:' ? https : http;
  return await new Promise<Buffer>((resolve, reject) => {
    const req = client.get(
      target,
      {
        // Connect to the address that was checked, not a second lookup that could answer differently.
        lookup: (_h: string, _o: unknown, cb: (e: Error | null, a: string, f: number) => void) =>
          cb(null, pinned.address, pinned.family),
        timeout: 60_000,
      },
      (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          res.resume();
          reject(new InputRefused(`Input URL ${url} answered HTTP ${res.statusCode}.`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_URL_INPUT_BYTES) {
            req.destroy(new InputRefused(`Input URL ${url} is larger than ${MAX_URL_INPUT_BYTES} bytes.`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`Input URL ${url} timed out.`)));
    req.on('error', reject);
  });
}
