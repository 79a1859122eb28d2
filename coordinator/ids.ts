import crypto from 'node:crypto';

export function newId(prefix: 'node' | 'job' | 'lease' | 'cust'): string {
  return `${prefix}_${crypto.randomBytes(10).toString('hex')}`;
}

export function randomNonce(n: number): Uint8Array {
  return crypto.randomBytes(n);
}
