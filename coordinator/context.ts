import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { CoordinatorConfig } from './config';
import type { CoordinatorSecrets } from './secrets';
import type { Db } from './store/db';

/** What every coordinator service needs. One per process; nothing in it is per-request state. */
export interface CoordinatorContext {
  db: Db;
  config: CoordinatorConfig;
  secrets: CoordinatorSecrets;
  log: Logger;
  now: () => number;
  /** Signals "a job may be available" to long-polls in this process. Others find out by polling. */
  wake: EventEmitter;
}
