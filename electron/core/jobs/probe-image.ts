import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type Docker from 'dockerode';
import tar from 'tar-stream';

const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'];
const DOCKERFILE = [
  'FROM scratch',
  'COPY busybox /bin/busybox',
  'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
  'ENV PATH=/bin',
  'CMD ["/bin/sh"]',
  '',
].join('\n');

export function findBusybox(): string | null {
  return BUSYBOX_PATHS.find((p) => fs.existsSync(p)) ?? null;
}

/**
 * Builds the self-test's probe image from this machine's own busybox, so the test needs no
 * registry and no internet. Returns the image's content id; a rebuild with the same busybox is
 * answered from the engine's cache.
 */
export async function buildProbeImage(docker: Docker, busyboxPath = findBusybox()): Promise<string> {
  if (!busyboxPath) {
    throw new Error(
      'No busybox binary found (looked in /bin and /usr/bin). Install busybox-static, or pass --image with a pinned image.',
    );
  }
  const binary = fs.readFileSync(busyboxPath);
  const tag = `rigshare-selftest:${createHash('sha256').update(binary).digest('hex').slice(0, 16)}`;
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile', mode: 0o644 }, DOCKERFILE);
  pack.entry({ name: 'busybox', mode: 0o755 }, binary);
  pack.finalize();
  const stream = (await docker.buildImage(pack as unknown as NodeJS.ReadableStream, {
    t: tag,
    labels: { 'org.rigshare.selftest': 'true' },
    rm: true,
    forcerm: true,
  })) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
      const failed = err?.message ?? output.find((o) => o.error)?.error;
      if (failed) reject(new Error(`Building the self-test image failed: ${failed}`));
      else resolve();
    });
  });
  return (await docker.getImage(tag).inspect()).Id;
}
