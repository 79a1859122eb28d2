import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, readTestEnv } from '../../helpers/test-env';

/**
 * Fails the run up front, with the command that fixes it, instead of letting every spec time out
 * on a page that cannot load.
 */
export default function globalSetup(): void {
  const index = path.join(REPO_ROOT, 'out', 'renderer', 'index.html');
  if (!fs.existsSync(index)) {
    throw new Error(`The dashboard has not been built (${index} is missing). Run \`npm run build\` first.`);
  }
  const env = readTestEnv();
  const chromium = process.env.RIGSHARE_CHROMIUM ?? env.chromium;
  if (!fs.existsSync(chromium)) {
    throw new Error(`Chromium is not at ${chromium}. Run \`npm run test:env\` as root to install it.`);
  }
}
