import { app } from 'electron';
import { startDesktop } from './desktop';

startDesktop().catch((err: unknown) => {
  process.stderr.write(`Rigshare could not start: ${err instanceof Error ? err.stack : String(err)}\n`);
  app.exit(1);
});
