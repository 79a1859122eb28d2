import type Docker from 'dockerode';
import tar from 'tar-stream';

/** Bump when the layout below changes, so an old image is not reused. */
export const VOLUME_INIT_IMAGE = 'rigshare-volume-init:1';

/**
 * A tiny image (no binaries, just three directories) whose only use is Docker's copy-up: when a
 * container is created with an empty named volume over a path the image has, the engine copies
 * that directory — owner and mode included — into the volume. Creating (never starting) a
 * container from this image gives a job's volumes the right owners without an archive upload.
 */
const LAYOUT = [
  { name: 'rigshare/', uid: 0, mode: 0o755 },
  { name: 'rigshare/input/', uid: 0, mode: 0o555 },
  { name: 'rigshare/output/', uid: 65534, mode: 0o700 },
  { name: 'rigshare/checkpoint/', uid: 65534, mode: 0o700 },
];

const ready = new WeakMap<Docker, Promise<void>>();

export function ensureVolumeInitImage(docker: Docker): Promise<void> {
  let pending = ready.get(docker);
  if (!pending) {
    pending = importIfMissing(docker).catch((err: unknown) => {
      ready.delete(docker);
      throw err;
    });
    ready.set(docker, pending);
  }
  return pending;
}

async function importIfMissing(docker: Docker): Promise<void> {
  try {
    await docker.getImage(VOLUME_INIT_IMAGE).inspect();
    return;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  const pack = tar.pack();
  for (const dir of LAYOUT)
    pack.entry({ name: dir.name, type: 'directory', mode: dir.mode, uid: dir.uid, gid: dir.uid });
  pack.finalize();
  const [repo, tag] = VOLUME_INIT_IMAGE.split(':') as [string, string];
  const stream = (await docker.importImage(
    pack as unknown as NodeJS.ReadableStream,
    {
      repo,
      tag,
      changes: ['LABEL org.rigshare.volume-init=true'],
    } as unknown as Record<string, unknown>,
  )) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
      const failed = err?.message ?? output.find((o) => o.error)?.error;
      if (failed) reject(new Error(`Preparing the job volume image failed: ${failed}`));
      else resolve();
    });
  });
}
