import fs from 'node:fs';
import os from 'node:os';
import type { DiscoveryEnv } from './socket';

export function hostDiscoveryEnv(): DiscoveryEnv {
  return {
    platform: process.platform,
    env: process.env,
    home: os.homedir(),
    uid: typeof process.getuid === 'function' ? process.getuid() : null,
    readFile: (file) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    },
    exists: (file) => fs.existsSync(file),
  };
}
