import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTestEnv, readTestImages, testImage, TestEnvMissingError } from '../../helpers/test-env';

const DIGEST = `sha256:${'a'.repeat(64)}`;

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-test-env-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string): void {
  fs.writeFileSync(path.join(dir, name), content);
}

describe('test environment files', () => {
  it('tells the reader to run npm run test:env when nothing was set up', () => {
    expect(() => readTestEnv(dir)).toThrow(TestEnvMissingError);
    expect(() => readTestEnv(dir)).toThrow(/npm run test:env/);
    expect(() => readTestImages(dir)).toThrow(/has not been set up.*images\.json/);
  });

  it('reads every service address from env.json', () => {
    write(
      'env.json',
      JSON.stringify({
        dockerSocket: '/var/run/docker.sock',
        registry: '127.0.0.1:5000',
        postgresUrl: 'postgres://postgres@127.0.0.1:54329/postgres',
        chromium: '/usr/bin/chromium',
        stateDir: '/var/lib/rigshare-test',
      }),
    );
    expect(readTestEnv(dir)).toEqual({
      dockerSocket: '/var/run/docker.sock',
      registry: '127.0.0.1:5000',
      postgresUrl: 'postgres://postgres@127.0.0.1:54329/postgres',
      chromium: '/usr/bin/chromium',
      stateDir: '/var/lib/rigshare-test',
    });
  });

  it('names the missing field of a half-written env.json', () => {
    write('env.json', JSON.stringify({ dockerSocket: '/var/run/docker.sock', registry: '127.0.0.1:5000' }));
    expect(() => readTestEnv(dir)).toThrow(/"postgresUrl" is missing/);
  });

  it('refuses a file that is not JSON or not an object', () => {
    write('env.json', '{"dockerSocket": ');
    expect(() => readTestEnv(dir)).toThrow(/not valid JSON/);
    write('images.json', '["busybox"]');
    expect(() => readTestImages(dir)).toThrow(/does not hold a JSON object/);
  });

  it('hands out images pinned by digest and refuses a tag', () => {
    const pinned = `127.0.0.1:5000/rigshare-test/busybox@${DIGEST}`;
    write('images.json', JSON.stringify({ busybox: pinned }));
    const images = readTestImages(dir);
    expect(testImage('busybox', images)).toBe(pinned);

    write('images.json', JSON.stringify({ busybox: '127.0.0.1:5000/rigshare-test/busybox:latest' }));
    expect(() => readTestImages(dir)).toThrow(/not pinned by digest/);
  });

  it('points at the fixture folder for an image that does not exist, including inherited names', () => {
    const images = { busybox: `127.0.0.1:5000/rigshare-test/busybox@${DIGEST}` };
    expect(() => testImage('cuda', images)).toThrow(/test\/fixtures\/images\/cuda\/Dockerfile/);
    expect(() => testImage('constructor', images)).toThrow(TestEnvMissingError);
  });
});
