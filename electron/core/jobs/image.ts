import type Docker from 'dockerode';
import { imageDigest, imageRegistry, imageRepository, isForbiddenEnvName } from '../../../shared/jobs/spec';

/** A refusal on policy grounds: the job is `rejected`, not `failed`. */
export class ImageRefused extends Error {}

export interface PullProgress {
  status: string;
  layer?: string;
  current?: number;
  total?: number;
}

export interface ImageCheck {
  /** The image's own entrypoint and env, as inspected. */
  env: string[];
  pulled: boolean;
}

/** Registries match exactly by host (with port); `*` allows any. */
export function registryAllowed(image: string, allowlist: readonly string[]): boolean {
  const registry = imageRegistry(image);
  return allowlist.some((entry) => entry === '*' || entry.toLowerCase() === registry.toLowerCase());
}

/**
 * Makes the pinned image available and safe to run: allowed registry, pulled by digest, the
 * digest confirmed by the engine, and no loader or GPU-runtime override hidden in its config.
 */
export async function prepareImage(
  docker: Docker,
  image: string,
  allowlist: readonly string[],
  onProgress: (p: PullProgress) => void,
): Promise<ImageCheck> {
  if (!registryAllowed(image, allowlist)) {
    throw new ImageRefused(
      `The registry "${imageRegistry(image)}" is not in this rig's registry allowlist (${allowlist.join(', ') || 'empty'}). Add it in Settings if you trust it.`,
    );
  }
  let info = await inspectOrNull(docker, image);
  let pulled = false;
  if (!info) {
    await pull(docker, image, onProgress);
    pulled = true;
    info = await inspectOrNull(docker, image);
    if (!info) throw new Error(`The engine pulled ${image} but cannot find it afterwards.`);
  }
  const expected = `${imageRepository(image)}@${imageDigest(image)}`;
  if (!(info.RepoDigests ?? []).includes(expected)) {
    throw new ImageRefused(
      `The image's digest could not be confirmed: ${expected} is not among ${JSON.stringify(info.RepoDigests ?? [])}.`,
    );
  }
  const env = info.Config?.Env ?? [];
  refuseLoaderOverrides(env);
  return { env, pulled };
}

/** A locally built image named by its content id: it must exist and pass the same env check. */
export async function checkLocalImage(docker: Docker, imageId: string): Promise<void> {
  if (!/^sha256:[a-f0-9]{64}$/.test(imageId)) throw new ImageRefused(`"${imageId}" is not an image content id.`);
  const info = await inspectOrNull(docker, imageId);
  if (!info || info.Id !== imageId) throw new ImageRefused(`The local image ${imageId} is not on this machine.`);
  refuseLoaderOverrides(info.Config?.Env ?? []);
}

function refuseLoaderOverrides(env: string[]): void {
  const bad = env.map((e) => e.split('=')[0]!).filter(isForbiddenEnvName);
  if (bad.length > 0) {
    throw new ImageRefused(
      `The image sets ${bad.join(', ')} in its environment; images may not override the loader or the GPU runtime.`,
    );
  }
}

async function inspectOrNull(docker: Docker, image: string): Promise<Docker.ImageInspectInfo | null> {
  try {
    return await docker.getImage(image).inspect();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}

async function pull(docker: Docker, image: string, onProgress: (p: PullProgress) => void): Promise<void> {
  const stream = (await docker.pull(image)) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string }[]) => {
        const failed = err ?? output.find((o) => o.error);
        if (failed)
          reject(new Error(`Pulling ${image} failed: ${err?.message ?? (failed as { error?: string }).error}`));
        else resolve();
      },
      (event: { status?: string; id?: string; progressDetail?: { current?: number; total?: number } }) => {
        onProgress({
          status: event.status ?? '',
          layer: event.id,
          current: event.progressDetail?.current,
          total: event.progressDetail?.total,
        });
      },
    );
  });
}
