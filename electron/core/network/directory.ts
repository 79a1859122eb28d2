import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { NetworkEntry } from '../../../shared/api/methods/network';

const Directory = z.object({ version: z.literal(1), networks: z.array(NetworkEntry) });

/** The built-in networks from resources/networks.json. The local network is always present. */
export function loadDirectory(resourcesDir: string): NetworkEntry[] {
  const file = path.join(resourcesDir, 'networks.json');
  const local: NetworkEntry = {
    id: 'local',
    name: 'This machine',
    url: 'local',
    description: 'A coordinator inside this agent, on 127.0.0.1.',
    builtin: true,
  };
  try {
    const parsed = Directory.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.networks.some((n) => n.url === 'local') ? parsed.networks : [local, ...parsed.networks];
  } catch {
    return [local];
  }
}
