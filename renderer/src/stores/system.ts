import { getClient } from '../api/client';
import { createResource } from './resource';

export const systemInfo = createResource('system', () => getClient().call('system.info', {}));
