#!/usr/bin/env node
// Runs the TypeScript sources directly, so `npx rigshare` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli/index.ts');
