import type { JobSpecInput } from '../../../shared/jobs/spec';
import type { JobRunner, RunOptions, RunOutcome } from './runner';

export type CheckGroup = 'privileges' | 'filesystem' | 'limits' | 'network' | 'ends';

export interface SelfTestCheck {
  group: CheckGroup;
  name: string;
  ok: boolean;
  detail: string;
}

export interface SelfTestReport {
  ok: boolean;
  checks: SelfTestCheck[];
}

export interface SelfTestOptions {
  runner: JobRunner;
  /** A pinned registry image, or a placeholder when `localImageId` names the probe image. */
  image: string;
  localImageId?: string;
  /** Null when egress can run here; otherwise why the egress checks are reported as failed. */
  egressUnavailable: string | null;
}

/** One shell script prints everything the static checks need, so they cost a single job. */
const INSPECT = [
  'echo "@status"; cat /proc/self/status',
  'echo "@mount=$(mount -t tmpfs none /tmp 2>/dev/null; echo $?)"',
  'echo "@unshare=$(unshare -m -U -r true 2>/dev/null; echo $?)"',
  'echo "@rootfs=$( (echo x > /probe) 2>/dev/null; echo $?)"',
  'echo "@tmpexec=$(cp /bin/busybox /tmp/bb && chmod +x /tmp/bb && /tmp/bb true 2>/dev/null; echo $?)"',
  'echo "@sock=$(find / -path /proc -prune -o -path /sys -prune -o -name docker.sock -print 2>/dev/null | head -n 1)"',
  'echo "@mounts=$(cut -d" " -f2 /proc/self/mounts | tr "\\n" " ")"',
  'echo "@ifaces=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\\n" " ")"',
  'echo "@pidsmax=$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max 2>/dev/null)"',
  'echo "@cpuquota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us 2>/dev/null) $(cat /sys/fs/cgroup/cpu.max 2>/dev/null)"',
].join('; ');

const ALLOWED_MOUNTS = [
  /^\/$/,
  /^\/proc(\/|$)/,
  /^\/dev(\/|$)/,
  /^\/sys(\/|$)/,
  /^\/tmp$/,
  /^\/input$/,
  /^\/output$/,
  /^\/checkpoint$/,
  /^\/etc\/(hosts|hostname|resolv\.conf)$/,
];

/**
 * Runs hostile probes through the real sandbox on this machine and reports each rule as a pass
 * or a fail, so an owner can see for themselves that a stranger's job is boxed in.
 */
export async function runSelfTest(options: SelfTestOptions): Promise<SelfTestReport> {
  const checks: SelfTestCheck[] = [];
  const add = (group: CheckGroup, name: string, ok: boolean, detail: string): void => {
    checks.push({ group, name, ok, detail });
  };
  const job = (
    script: string,
    extra: Partial<Omit<JobSpecInput, 'resources'>> & { resources?: Partial<JobSpecInput['resources']> } = {},
  ): Promise<RunOutcome> => {
    const { resources, ...rest } = extra;
    const spec: JobSpecInput = {
      image: options.image,
      command: ['/bin/sh', '-c', script],
      ...rest,
      resources: { gpus: 0, memoryMiB: 64, cpus: 0.5, pids: 64, maxSeconds: 30, ...resources },
    };
    const runOptions: RunOptions = options.localImageId ? { localImageId: options.localImageId } : {};
    return options.runner.run(spec, runOptions);
  };

  const inspect = await job(INSPECT);
  const out = inspect.logTail;
  const value = (key: string): string => new RegExp(`@${key}=(.*)`).exec(out)?.[1]?.trim() ?? '';
  const status = (name: string): string[] =>
    new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(out)?.[1]?.trim().split(/\s+/) ?? [];
  if (inspect.status !== 'succeeded') {
    add(
      'privileges',
      'probe-job',
      false,
      `The probe job did not run: ${inspect.status} (${inspect.reason ?? 'no reason'})`,
    );
    return { ok: false, checks };
  }
  const uid = status('Uid');
  add('privileges', 'non-root-user', uid.length === 4 && uid.every((u) => u !== '0'), `uid ${uid.join(' ')}`);
  const capEff = status('CapEff')[0] ?? '';
  add('privileges', 'no-capabilities', /^0+$/.test(capEff), `CapEff ${capEff || '?'}`);
  add(
    'privileges',
    'no-new-privileges',
    status('NoNewPrivs')[0] === '1',
    `NoNewPrivs ${status('NoNewPrivs')[0] ?? '?'}`,
  );
  add('privileges', 'seccomp-filter', status('Seccomp')[0] === '2', `Seccomp mode ${status('Seccomp')[0] ?? '?'}`);
  add('privileges', 'mount-denied', value('mount') !== '0' && value('mount') !== '', `mount exit ${value('mount')}`);
  add(
    'privileges',
    'unshare-denied',
    value('unshare') !== '0' && value('unshare') !== '',
    `unshare exit ${value('unshare')}`,
  );
  add(
    'filesystem',
    'read-only-root',
    value('rootfs') !== '0' && value('rootfs') !== '',
    `write to / exit ${value('rootfs')}`,
  );
  add('filesystem', 'tmp-noexec', value('tmpexec') === '126', `exec from /tmp exit ${value('tmpexec')}`);
  add(
    'filesystem',
    'no-docker-socket',
    value('sock') === '',
    value('sock') ? `found ${value('sock')}` : 'no docker.sock visible',
  );
  const mounts = value('mounts').split(' ').filter(Boolean);
  const strange = mounts.filter((m) => !ALLOWED_MOUNTS.some((re) => re.test(m)));
  add(
    'filesystem',
    'no-host-paths',
    strange.length === 0 && mounts.length > 0,
    strange.length ? `unexpected mounts: ${strange.join(', ')}` : `${mounts.length} mounts, all sandbox-owned`,
  );
  add('limits', 'pids-limit', value('pidsmax') === '64', `pids.max ${value('pidsmax') || '?'}`);
  const [quota, period, v2max, v2period] = value('cpuquota').split(' ');
  const share =
    quota && period ? Number(quota) / Number(period) : v2max && v2period ? Number(v2max) / Number(v2period) : NaN;
  add(
    'limits',
    'cpu-quota',
    Math.abs(share - 0.5) < 0.01,
    `cpu share ${Number.isFinite(share) ? share.toFixed(2) : '?'} of a core`,
  );
  const ifaces = value('ifaces').split(' ').filter(Boolean);
  add(
    'network',
    'no-network-by-default',
    ifaces.length === 1 && ifaces[0] === 'lo',
    `interfaces: ${ifaces.join(', ') || 'none'}`,
  );

  const bomb = await job('b() { b | b & }; b; sleep 30', { resources: { maxSeconds: 3 } });
  add('limits', 'fork-bomb-contained', bomb.status === 'timed_out', `fork bomb ended as ${bomb.status}`);
  const hog = await job('x=aaaaaaaaaaaaaaaa; while true; do x="$x$x"; done', { resources: { memoryMiB: 32 } });
  add('limits', 'memory-limit', hog.status === 'oom_killed', `memory hog ended as ${hog.status}`);
  const late = await job("trap '' TERM; while true; do sleep 1; done", { resources: { maxSeconds: 2 } });
  add('ends', 'timeout-enforced', late.status === 'timed_out', `over-time job ended as ${late.status}`);
  const bombOut = await job('ln -s /etc/passwd /output/leak');
  add(
    'ends',
    'output-links-refused',
    bombOut.status === 'failed' && /link/.test(bombOut.reason ?? ''),
    bombOut.reason ?? bombOut.status,
  );

  if (options.egressUnavailable) {
    add('network', 'egress-guarded', false, `egress jobs are refused here: ${options.egressUnavailable}`);
  } else {
    const targets = ['http://127.0.0.1:1/', 'http://169.254.169.254/', 'http://10.0.0.1/', 'http://192.168.1.1/'];
    const script = [
      'gw=$(echo $http_proxy | sed -e "s#http://##" -e "s#:.*##")',
      ...targets.map((t) => `echo "@via $(timeout 5 wget -q -O /dev/null ${t} 2>&1 | head -c 120)"`),
      'echo "@host $(timeout 3 wget -Y off -q -O /dev/null http://$gw:22/ 2>&1 | head -c 120)"',
    ].join('; ');
    const egress = await job(script, { network: 'egress' });
    const refused = (egress.logTail.match(/@via .*403/g) ?? []).length;
    const hostReached = /@host .*(refused|returned|HTTP)/.test(egress.logTail);
    add(
      'network',
      'egress-guarded',
      egress.status === 'succeeded' && refused === targets.length && !hostReached,
      egress.status !== 'succeeded'
        ? `egress probe ${egress.status}: ${egress.reason ?? ''}`
        : `${refused}/${targets.length} private targets refused by the proxy; host ${hostReached ? 'REACHABLE' : 'unreachable'}`,
    );
  }
  const order: CheckGroup[] = ['privileges', 'filesystem', 'limits', 'network', 'ends'];
  const sorted = [...checks].sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
  return { ok: checks.every((c) => c.ok), checks: sorted };
}
