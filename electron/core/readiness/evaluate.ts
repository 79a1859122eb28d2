import { compareVersions } from '../../../shared/gpu/cuda';
import {
  MIN_FREE_DISK_BYTES,
  MIN_MEMORY_BYTES,
  MIN_NVIDIA_DRIVER,
  MIN_SAFE_TOOLKIT,
  TOOLKIT_CVE,
  type ReadinessCheck,
} from '../../../shared/gpu/readiness';
import type { Gpu } from '../../../shared/gpu/types';
import type { DockerEngineStatus } from '../../../shared/api/methods/system';

const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

export function dockerCheck(status: DockerEngineStatus): ReadinessCheck {
  if (status.reachable) {
    return {
      check: 'docker',
      ok: true,
      detail: `${status.flavour === 'podman' ? 'Podman' : 'Docker'} ${status.version ?? '(version unknown)'} is running`,
      fix: null,
    };
  }
  return {
    check: 'docker',
    ok: false,
    detail: 'The container engine is not reachable.',
    fix: status.error ?? 'Install Docker and start it; Rigshare picks it up without a restart.',
  };
}

export interface ToolkitFacts {
  /** Runtime names from `docker info` (Runtimes). */
  runtimes: string[];
  /** CDI devices the engine discovered, e.g. "nvidia.com/gpu=0". */
  cdiDevices: string[];
  /** Version printed by nvidia-ctk or nvidia-container-cli, when either is installed. */
  version: string | null;
}

export function toolkitCheck(facts: ToolkitFacts, gpus: Gpu[]): ReadinessCheck {
  if (!gpus.some((g) => g.vendor === 'nvidia')) {
    return { check: 'nvidia-toolkit', ok: true, detail: 'Not needed: no NVIDIA GPU in this machine.', fix: null };
  }
  const runtime = facts.runtimes.includes('nvidia');
  const cdi = facts.cdiDevices.some((d) => d.startsWith('nvidia.com/gpu'));
  const install =
    'Install the NVIDIA Container Toolkit 1.17.8 or newer and register it with Docker: "sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker" (docs.nvidia.com/datacenter/cloud-native/container-toolkit).';
  if (!runtime && !cdi) {
    return {
      check: 'nvidia-toolkit',
      ok: false,
      detail: 'Docker has no NVIDIA runtime and no NVIDIA CDI devices, so jobs cannot use the GPU.',
      fix: install,
    };
  }
  const how = runtime ? 'nvidia runtime' : 'CDI';
  if (!facts.version) {
    return {
      check: 'nvidia-toolkit',
      ok: false,
      detail: `NVIDIA Container Toolkit is registered (${how}) but its version could not be read.`,
      fix: `Check "nvidia-ctk --version"; versions before ${MIN_SAFE_TOOLKIT} allow container escape (${TOOLKIT_CVE}). ${install}`,
    };
  }
  if (compareVersions(facts.version, MIN_SAFE_TOOLKIT) < 0) {
    return {
      check: 'nvidia-toolkit',
      ok: false,
      detail: `NVIDIA Container Toolkit ${facts.version} (${how}) is older than ${MIN_SAFE_TOOLKIT} and lets a job escape its container (${TOOLKIT_CVE}).`,
      fix: `Upgrade the toolkit to ${MIN_SAFE_TOOLKIT} or newer before renting out this GPU, then restart Docker.`,
    };
  }
  return { check: 'nvidia-toolkit', ok: true, detail: `NVIDIA Container Toolkit ${facts.version} (${how})`, fix: null };
}

/** `toolProblem` is a vendor tool that is installed but failed, timed out or gave unreadable output. */
export function driverCheck(gpus: Gpu[], toolProblem: { detail: string; fix: string | null } | null): ReadinessCheck {
  if (gpus.length === 0) {
    return {
      check: 'gpu-driver',
      ok: false,
      detail: toolProblem?.detail ?? 'No GPU was found.',
      fix:
        toolProblem?.fix ??
        'Install your GPU vendor\'s driver (NVIDIA: nvidia.com/drivers; AMD: ROCm), then press "Check again".',
    };
  }
  const old = gpus.filter((g) => g.vendor === 'nvidia' && g.driver && compareVersions(g.driver, MIN_NVIDIA_DRIVER) < 0);
  const listed = [
    ...new Set(
      gpus.map(
        (g) => `${g.vendor === 'nvidia' ? 'NVIDIA' : g.vendor.toUpperCase()} ${g.driver ?? 'driver version unknown'}`,
      ),
    ),
  ].join(', ');
  if (old.length > 0) {
    return {
      check: 'gpu-driver',
      ok: false,
      detail: `Driver ${old[0]!.driver} is older than ${MIN_NVIDIA_DRIVER}; most jobs need CUDA 12.2 or newer.`,
      fix: `Update the NVIDIA driver to ${MIN_NVIDIA_DRIVER} or newer (nvidia.com/drivers or your distribution's package).`,
    };
  }
  return { check: 'gpu-driver', ok: true, detail: listed, fix: null };
}

export function diskCheck(dir: string, freeBytes: number | null): ReadinessCheck {
  if (freeBytes === null) {
    return {
      check: 'disk',
      ok: false,
      detail: `Free space in ${dir} could not be read.`,
      fix: 'Check that the data folder exists and is readable.',
    };
  }
  if (freeBytes < MIN_FREE_DISK_BYTES) {
    return {
      check: 'disk',
      ok: false,
      detail: `${gib(freeBytes)} free in ${dir}; job images and outputs need at least ${gib(MIN_FREE_DISK_BYTES)}.`,
      fix: 'Free up space on that drive, or start Rigshare with --data-dir on a larger one.',
    };
  }
  return { check: 'disk', ok: true, detail: `${gib(freeBytes)} free in ${dir}`, fix: null };
}

export function memoryCheck(totalBytes: number): ReadinessCheck {
  if (totalBytes < MIN_MEMORY_BYTES) {
    return {
      check: 'memory',
      ok: false,
      detail: `${gib(totalBytes)} of RAM; most jobs need at least ${gib(MIN_MEMORY_BYTES)}.`,
      fix: 'Jobs may be refused on this machine. Adding RAM widens the jobs it can take.',
    };
  }
  return { check: 'memory', ok: true, detail: `${gib(totalBytes)} of RAM`, fix: null };
}

/** On Windows, containers run inside WSL2; elsewhere the kernel runs them directly. */
export function virtualizationCheck(
  platform: NodeJS.Platform,
  wslStatus: { ok: boolean; detail: string } | null,
): ReadinessCheck {
  if (platform !== 'win32') {
    return {
      check: 'virtualization',
      ok: true,
      detail: 'Not needed: containers run natively on this system.',
      fix: null,
    };
  }
  if (wslStatus?.ok) return { check: 'virtualization', ok: true, detail: wslStatus.detail, fix: null };
  return {
    check: 'virtualization',
    ok: false,
    detail: wslStatus?.detail ?? 'WSL2 is not available.',
    fix: 'Turn on virtualization in the BIOS/UEFI, then run "wsl --install" in an administrator terminal and restart Windows.',
  };
}
