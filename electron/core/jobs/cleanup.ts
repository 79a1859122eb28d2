import type Docker from 'dockerode';
import { JOB_LABEL } from './names';

/**
 * Removes everything the engine holds for a job, found by its label: containers first (they pin
 * volumes and networks), then volumes and networks. Missing objects are fine; it runs on every
 * path, including after a crash.
 */
export async function removeJobObjects(docker: Docker, jobId: string): Promise<void> {
  const filters = { label: [`${JOB_LABEL}=${jobId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => ignoreMissing(docker.getContainer(c.Id).remove({ force: true, v: true }))));
  const { Volumes } = await docker.listVolumes({ filters });
  await Promise.all((Volumes ?? []).map((v) => ignoreMissing(docker.getVolume(v.Name).remove())));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => ignoreMissing(docker.getNetwork(n.Id).remove())));
}

export async function ignoreMissing<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    const code = (err as { statusCode?: number }).statusCode;
    if (code === 404 || code === 304 || code === 409) return null;
    throw err;
  }
}
