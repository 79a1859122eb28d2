#!/usr/bin/env node
// Runs the built CLI bundle when it is at least as new as the sources, otherwise the TypeScript
// sources through tsx, so `npx rigshare` works right after `npm ci` and during development.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'out', 'cli', 'index.js');
const SOURCE_DIRS = ['electron', 'shared', 'coordinator'];

function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.RIGSHARE_FROM_SOURCE === '1') return false;
  let built;
  try {
    built = fs.statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  return SOURCE_DIRS.every(
    (dir) => !fs.existsSync(path.join(root, dir)) || newestSourceMtime(path.join(root, dir)) <= built,
  );
}

if (bundleIsFresh()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../electron/cli/index.ts');
}
