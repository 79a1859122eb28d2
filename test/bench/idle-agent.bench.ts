// The headless agent's cost while idle: CPU % of one core and resident memory, measured beside a
// bare Node process in the same run so that machine noise shows up in both. Later work must not
// grow these much. Targets: under 1 % of one core and under 120 MB RSS. Misses print FAIL but do
// not fail the run, because a shared CI machine is noisy.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentProcess } from '../e2e/harness/agent';
import { clockTicksPerSecond, commandName, processTree, rssBytes, treeCpuTicks, treeRssBytes } from './proc';

const SHORT = process.env.BENCH_SHORT === '1';
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? (SHORT ? 15 : 60));
const WARMUP_SECONDS = SHORT ? 3 : 5;
const TARGET_CPU_PERCENT = 1;
const TARGET_RSS_MB = 120;
const MB = 1024 * 1024;

interface Measured {
  cpuPercent: number;
  rssMeanMb: number;
  rssMaxMb: number;
  /** The last sample: where memory settles once start-up garbage is collected. */
  rssEndMb: number;
}

class Sampler {
  private readonly rss: number[] = [];
  private startTicks = 0;
  private endTicks = 0;

  constructor(readonly pid: number) {}

  begin(): void {
    this.startTicks = treeCpuTicks(this.pid);
  }

  sample(): void {
    this.rss.push(treeRssBytes(this.pid));
  }

  end(): void {
    this.endTicks = treeCpuTicks(this.pid);
  }

  result(seconds: number, hz: number): Measured {
    const mean = this.rss.reduce((a, b) => a + b, 0) / Math.max(1, this.rss.length);
    return {
      cpuPercent: ((this.endTicks - this.startTicks) / hz / seconds) * 100,
      rssMeanMb: mean / MB,
      rssMaxMb: Math.max(0, ...this.rss) / MB,
      rssEndMb: (this.rss.at(-1) ?? 0) / MB,
    };
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(1)}x` : 'n/a';
}

/** Which processes make up the agent's footprint, e.g. "node 131.2 MB, esbuild 12.3 MB". */
function breakdown(root: number): string {
  return processTree(root)
    .map((pid) => `${commandName(pid)} ${((rssBytes(pid) ?? 0) / MB).toFixed(1)} MB`)
    .join(', ');
}

async function main(): Promise<void> {
  const hz = clockTicksPerSecond();
  const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const agent = new AgentProcess();
  try {
    await agent.start();
    await sleep(WARMUP_SECONDS * 1000);

    const samplers = [new Sampler(agent.pid), new Sampler(baseline.pid!)];
    const started = process.hrtime.bigint();
    samplers.forEach((s) => s.begin());
    for (let i = 0; i < IDLE_SECONDS; i++) {
      samplers.forEach((s) => s.sample());
      await sleep(1000);
    }
    samplers.forEach((s) => s.end());
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!alive(agent.pid)) throw new Error(`the agent exited during the idle window. Output:\n${agent.log}`);

    const parts = breakdown(agent.pid);
    const [a, b] = samplers.map((s) => s.result(seconds, hz)) as [Measured, Measured];
    const cpuOk = a.cpuPercent < TARGET_CPU_PERCENT;
    // Judged on the mean over the window: the first seconds still hold start-up garbage.
    const rssOk = a.rssMeanMb < TARGET_RSS_MB;
    const mb = (n: number): string => `${n.toFixed(1)} MB`.padStart(12);
    const row = (label: string, m: Measured): string =>
      `${label.padEnd(16)}${`${m.cpuPercent.toFixed(2)} %`.padStart(10)}${mb(m.rssMeanMb)}${mb(m.rssMaxMb)}${mb(m.rssEndMb)}`;
    console.log(`idle-agent: ${seconds.toFixed(1)} s idle after ${WARMUP_SECONDS} s warm-up, RSS sampled every 1 s`);
    // One clock tick over the window is the smallest CPU share /proc can show.
    console.log(
      `CPU resolution ${((1 / hz / seconds) * 100).toFixed(3)} % (1 tick of 1/${hz} s); the agent and its children count`,
    );
    console.log(
      `${''.padEnd(16)}${'CPU'.padStart(10)}${['RSS mean', 'RSS max', 'RSS end'].map((h) => h.padStart(12)).join('')}`,
    );
    console.log(row('agent', a));
    console.log(row('bare node', b));
    console.log(
      `${'ratio'.padEnd(16)}${ratio(a.cpuPercent, b.cpuPercent).padStart(10)}${ratio(a.rssMeanMb, b.rssMeanMb).padStart(12)}`,
    );
    console.log(`agent processes: ${parts}`);
    console.log(
      `target          CPU < ${TARGET_CPU_PERCENT} % of one core: ${cpuOk ? 'PASS' : 'FAIL'}; RSS mean < ${TARGET_RSS_MB} MB: ${rssOk ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `BENCH ${JSON.stringify({
        bench: 'idle-agent',
        seconds: Number(seconds.toFixed(1)),
        agent: a,
        baseline: b,
        target: { cpuPercent: TARGET_CPU_PERCENT, rssMb: TARGET_RSS_MB },
        pass: { cpu: cpuOk, rss: rssOk },
      })}`,
    );
  } finally {
    await agent.dispose();
    baseline.kill('SIGTERM');
  }
}

await main();
