import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { discoverSocket, type DiscoveryEnv } from '../../../electron/core/engine/socket';

function env(over: Partial<DiscoveryEnv> & { files?: Record<string, string>; sockets?: string[] }): DiscoveryEnv {
  const files = over.files ?? {};
  const sockets = new Set(over.sockets ?? []);
  return {
    platform: over.platform ?? 'linux',
    env: over.env ?? {},
    home: over.home ?? '/home/ada',
    uid: over.uid ?? 1000,
    readFile: (f) => files[f] ?? null,
    exists: (f) => sockets.has(f) || f in files,
  };
}

describe('Docker engine socket discovery', () => {
  it('prefers DOCKER_HOST over everything else', () => {
    const found = discoverSocket(
      env({ env: { DOCKER_HOST: 'unix:///custom/docker.sock' }, sockets: ['/var/run/docker.sock'] }),
    );
    expect(found).toEqual({ address: '/custom/docker.sock', source: 'DOCKER_HOST' });
  });

  it('follows the current docker context to its endpoint', () => {
    const id = createHash('sha256').update('colima').digest('hex');
    const found = discoverSocket(
      env({
        files: {
          '/home/ada/.docker/config.json': JSON.stringify({ currentContext: 'colima' }),
          [`/home/ada/.docker/contexts/meta/${id}/meta.json`]: JSON.stringify({
            Endpoints: { docker: { Host: 'unix:///home/ada/.colima/default/docker.sock' } },
          }),
        },
        sockets: ['/var/run/docker.sock'],
      }),
    );
    expect(found).toEqual({ address: '/home/ada/.colima/default/docker.sock', source: 'docker-context' });
  });

  it('falls back to the Linux default socket, then rootless, then Podman', () => {
    expect(discoverSocket(env({ sockets: ['/var/run/docker.sock'] }))?.address).toBe('/var/run/docker.sock');
    expect(
      discoverSocket(env({ env: { XDG_RUNTIME_DIR: '/run/user/1000' }, sockets: ['/run/user/1000/docker.sock'] })),
    ).toEqual({
      address: '/run/user/1000/docker.sock',
      source: 'default',
    });
    expect(discoverSocket(env({ sockets: ['/run/user/1000/podman/podman.sock'] }))).toEqual({
      address: '/run/user/1000/podman/podman.sock',
      source: 'podman',
    });
  });

  it('uses Docker Desktop paths on macOS and the named pipe on Windows', () => {
    expect(
      discoverSocket(env({ platform: 'darwin', home: '/Users/ada', sockets: ['/Users/ada/.docker/run/docker.sock'] }))
        ?.address,
    ).toBe('/Users/ada/.docker/run/docker.sock');
    expect(discoverSocket(env({ platform: 'win32', home: 'C:\\Users\\ada' }))?.address).toBe(
      'npipe:////./pipe/docker_engine',
    );
  });

  it('reports nothing when no engine is installed, and ignores a corrupt docker config', () => {
    expect(discoverSocket(env({ files: { '/home/ada/.docker/config.json': '{not json' } }))).toBeNull();
  });
});
