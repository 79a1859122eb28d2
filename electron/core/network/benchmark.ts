import type { BenchmarkResult } from '../../../shared/protocol/messages';
import type { JobResult } from '../../../shared/jobs/result';

export const BENCHMARK_VERSION = 'cpu-loop-v1';
const ITERATIONS = 200_000;

/**
 * The join benchmark: a short, fixed loop in the sandbox, with the full sandbox settings. It
 * proves the rig can pull, run and return outputs, and gives a comparable speed score.
 */
export function benchmarkSpec(image: string) {
  return {
    image,
    command: [
      'sh',
      '-c',
      `i=0; while [ $i -lt ${ITERATIONS} ]; do i=$((i+1)); done; echo "$i" > /output/benchmark.txt`,
    ],
    resources: { gpus: 0, memoryMiB: 64, cpus: 1, maxSeconds: 120 },
  };
}

export function benchmarkFromResult(result: JobResult, at: number): BenchmarkResult {
  if (result.status !== 'succeeded') {
    throw new Error(`The benchmark job ended ${result.status}${result.reason ? `: ${result.reason}` : ''}.`);
  }
  const out = result.outputs.find((o) => o.path === 'benchmark.txt');
  if (!out)
    throw new Error(
      'The benchmark job ran but returned no benchmark.txt; the sandbox output folder may not be writable.',
    );
  return {
    score: Math.round((ITERATIONS / Math.max(1, result.durationMs)) * 1000),
    durationMs: result.durationMs,
    version: BENCHMARK_VERSION,
    outputSha256: out.sha256,
    at,
  };
}
