import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files the agent reads at run time (rate cards, exchange rates, the network directory). From
 * source this is the repo's resources/ folder; a packaged app passes its own location through
 * AgentOptions.resourcesDir, because bundling moves this module.
 */
export const DEFAULT_RESOURCES_DIR = process.env.RIGSHARE_RESOURCES_DIR
  ? path.resolve(process.env.RIGSHARE_RESOURCES_DIR)
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources');
