import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What `npm run test:env` (scripts/test-env.sh) started, as the tests see it. Tests read the
 * pinned image references and service addresses from here instead of hard-coding them, so a
 * rebuilt image or a moved port needs no test edit.
 */
export interface TestEnv {
  /** The Docker engine's unix socket. */
  dockerSocket: string;
  /** host:port of the local OCI registry (plain HTTP). */
  registry: string;
  /** A superuser URL for the test PostgreSQL cluster. */
  postgresUrl: string;
  /** Debian's Chromium, for Playwright's executablePath. */
  chromium: string;
  /** Where the test daemons keep their data and logs. */
  stateDir: string;
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TEST_ENV_DIR = path.join(REPO_ROOT, '.test-env');

export class TestEnvMissingError extends Error {
  constructor(file: string, detail: string) {
    super(
      `${detail} (${file}). Run \`npm run test:env\` as root to start the test services and build the test images.`,
    );
    this.name = 'TestEnvMissingError';
  }
}

function readJson(dir: string, name: string): unknown {
  const file = path.join(dir, name);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new TestEnvMissingError(file, 'The test environment has not been set up');
    }
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new TestEnvMissingError(file, 'The test environment file is not valid JSON');
  }
}

function asRecord(value: unknown, file: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TestEnvMissingError(file, 'The test environment file does not hold a JSON object');
  }
  return value as Record<string, unknown>;
}

function requireString(record: Record<string, unknown>, key: string, file: string): string {
  const value = record[key];
  if (typeof value !== 'string' || value === '') {
    throw new TestEnvMissingError(file, `"${key}" is missing from the test environment file`);
  }
  return value;
}

/** Reads env.json from a .test-env folder. Most tests want testEnv() instead. */
export function readTestEnv(dir: string = TEST_ENV_DIR): TestEnv {
  const file = path.join(dir, 'env.json');
  const raw = asRecord(readJson(dir, 'env.json'), file);
  return {
    dockerSocket: requireString(raw, 'dockerSocket', file),
    registry: requireString(raw, 'registry', file),
    postgresUrl: requireString(raw, 'postgresUrl', file),
    chromium: requireString(raw, 'chromium', file),
    stateDir: requireString(raw, 'stateDir', file),
  };
}

/** Reads images.json from a .test-env folder. Most tests want testImage() instead. */
export function readTestImages(dir: string = TEST_ENV_DIR): Record<string, string> {
  const file = path.join(dir, 'images.json');
  const raw = asRecord(readJson(dir, 'images.json'), file);
  const images: Record<string, string> = {};
  for (const key of Object.keys(raw)) {
    const ref = requireString(raw, key, file);
    // Tests must run what they were built against, never whatever a tag points at today.
    if (!/@sha256:[0-9a-f]{64}$/.test(ref)) {
      throw new TestEnvMissingError(file, `The image "${key}" is not pinned by digest: ${ref}`);
    }
    images[key] = ref;
  }
  return images;
}

let envCache: TestEnv | undefined;
let imagesCache: Record<string, string> | undefined;

export function testEnv(): TestEnv {
  envCache ??= readTestEnv();
  return envCache;
}

/** Every test image by folder name under test/fixtures/images, pinned by digest. */
export function testImages(): Readonly<Record<string, string>> {
  imagesCache ??= readTestImages();
  return imagesCache;
}

/**
 * The pinned reference (`127.0.0.1:5000/rigshare-test/<name>@sha256:…`) of the image built from
 * test/fixtures/images/<name>/.
 */
export function testImage(name: string, images: Readonly<Record<string, string>> = testImages()): string {
  const ref = Object.hasOwn(images, name) ? images[name] : undefined;
  if (!ref) {
    throw new TestEnvMissingError(
      path.join(TEST_ENV_DIR, 'images.json'),
      `No test image "${name}"; add test/fixtures/images/${name}/Dockerfile`,
    );
  }
  return ref;
}

export function postgresUrl(): string {
  return testEnv().postgresUrl;
}

export function dockerSocket(): string {
  return testEnv().dockerSocket;
}

export function registryAddress(): string {
  return testEnv().registry;
}

export function chromiumPath(): string {
  return testEnv().chromium;
}
