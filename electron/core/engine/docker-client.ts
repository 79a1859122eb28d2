import Docker from 'dockerode';
import type { SocketCandidate } from './socket';

/** Builds a dockerode client for a discovered address (unix socket, Windows pipe or tcp). */
export function dockerFor(candidate: SocketCandidate): Docker {
  const { address } = candidate;
  if (address.startsWith('npipe:')) {
    return new Docker({ socketPath: address.replace(/^npipe:/, '').replace(/^\/\/\/\//, '//') });
  }
  if (address.startsWith('tcp://') || address.startsWith('http://') || address.startsWith('https://')) {
    const url = new URL(address.replace(/^tcp:/, 'http:'));
    return new Docker({
      host: url.hostname,
      port: Number(url.port || 2375),
      protocol: url.protocol === 'https:' ? 'https' : 'http',
    });
  }
  return new Docker({ socketPath: address });
}
