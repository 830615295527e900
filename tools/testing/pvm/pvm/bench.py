# SPDX-License-Identifier: GPL-2.0
"""make bench: what protection costs, ours against upstream, in one run.

Each repetition boots, with the same config, emulator and memory, our
kernel and upstream, each as a normal guest and as an emulated protected
guest: once to user space only (boot time, UV calls at boot) and once with
the bench suite (pvm-bench in the guest); then boots both kernels, normal
and protected, to user space at each of --boot-sizes (the boot cost of
protection against guest memory). Ratios come from pairs measured in the
same repetition; the report gives their median and min-max.
"""
import argparse
import json
import os
import re
import statistics
import subprocess

from . import runner

CONFIGS = [('ours', 'nonpv'), ('ours', 'pv'), ('upstream', 'nonpv'), ('upstream', 'pv'),
           ('ours', 'pv-128')]
# Extra kernel command line per mode. pv-128: ours protected with a 128 MiB
# pool shared up front (swiotlb=65536 slots), what the sizing rule gave a
# 2 GiB guest before the pool started small and grew on demand, to tell
# what sharing it at boot costs.
MODE_APPEND = {'pv-128': 'swiotlb=65536'}
# Every boot: no KUnit suites at boot. Ours has more built in than
# upstream (and some run only in a protected guest); their run time would
# count as boot time.
BENCH_APPEND = 'kunit.enable=0'
STREAMS = (1, 4, 16)
# CPU copies of every byte a protected guest moves, by kernel and
# direction. A write copies the buffer into the bounce slot. A read copies
# the slot into the buffer; upstream's swiotlb also copies the buffer into
# the slot when it maps it for the device (so that bytes the device does
# not write keep their old value), which our series drops for shared pools
# (patches/0022). The bench also derives an apparent count from its
# timings: (PV time - non-PV time) / copy floor.
COPIES = {'ours': {'seq_read_s': 1, 'seq_write_s': 1},
          'upstream': {'seq_read_s': 2, 'seq_write_s': 1}}
BENCH_RE = re.compile(r'pvm-bench: (.*)$')
INIT_RE = re.compile(r'PVM-INIT uptime=([0-9.]+)')
UVC = ('uvc-query', 'uvc-share', 'uvc-unshare', 'uvc-other')


def boot_once(a, kernel, mode, name, mib, memory=None):
    """Boot; return (guest values, emulator counters) or raise."""
    protected = mode.startswith('pv')
    memory = memory or a.memory
    kid = open(os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(kernel)))), 'pvm-kid')).read().strip()
    ns = argparse.Namespace(
        name=name, qemu=a.qemu, kernel=kernel, initrd=a.initrd, memory=memory, smp=2,
        timeout=a.timeout, scratch_mib=max(512, 2 * mib), pv=protected, uv=not protected,
        pv_opt=[], expect_counter=[], expect_refusal=None, expect_console=[],
        qemu_arg=[], expect_suite=['bench'], raw=False, results=a.results,
        allow_reboot=False, kexec_images=False, no_canary=True,
        append=f'console=ttysclp0 pvm.kid={kid} pvm.expect={"pv" if protected else "nonpv"} '
               f'pvm.suites=bench pvm.bench={mib} {BENCH_APPEND} '
               f'{MODE_APPEND.get(mode, "")}'.rstrip())
    ok = runner.boot(ns)
    base = os.path.join(a.results, name)
    console = open(base + '.console.log', errors='replace').read()
    if not ok:
        raise RuntimeError(f'{name}: the boot failed, see {base}.console.log')
    vals = {}
    m = INIT_RE.search(console)
    if m:
        vals['boot_s'] = float(m[1])
    for line in console.splitlines():
        m = BENCH_RE.search(line.strip())
        if m:
            for kv in m[1].split():
                k, _, v = kv.partition('=')
                vals[k] = float(v)
    counters = {}
    if os.path.exists(base + '.counters'):
        counters = {k: int(v, 0) for k, v in
                    (kv.partition('=')[::2] for kv in open(base + '.counters').read().split())
                    if v.lstrip('-').isdigit() or v.startswith('0x')}
    return vals, counters


def measure(a):
    kernels = {'ours': a.ours, 'upstream': a.upstream}
    runs = []
    for rep in range(a.reps):
        for kernel, mode in CONFIGS:
            tag = f'bench.{kernel}-{mode}.{rep}'
            boot_vals, boot_cnt = boot_once(a, kernels[kernel], mode, tag + '.boot', 0)
            io_vals, io_cnt = boot_once(a, kernels[kernel], mode, tag + '.io', a.mib)
            uv_boot = sum(boot_cnt.get(k, 0) for k in UVC)
            uv_io = sum(io_cnt.get(k, 0) for k in UVC) - uv_boot
            # bytes moved by pvm-bench: seq write + seq read + parallel reads
            io_gib = (a.mib * (2 + len(STREAMS)) + io_vals.get('rand_read_ops', 0) * 4 / 1024) / 1024
            run = dict(io_vals)
            run.update(kernel=kernel, mode=mode, rep=rep, boot_s=boot_vals.get('boot_s'),
                       uvc_boot=uv_boot, uvc_per_gib=uv_io / io_gib if io_gib else None,
                       stale_bytes=io_cnt.get('stale-bytes'), violations=io_cnt.get('violations'))
            runs.append(run)
            print(f'{tag}: boot {run["boot_s"]}s, seq read {io_vals.get("seq_read_s")}s, '
                  f'UV calls at boot {uv_boot}, per GiB {run["uvc_per_gib"]:.2f}', flush=True)
    return runs


def measure_boots(a):
    """Boot-only boots at each size: {(kernel, mode, mib): [boot_s per rep]}."""
    kernels = {'ours': a.ours, 'upstream': a.upstream}
    sizes = [int(x) for x in a.boot_sizes.split(',') if x]
    boots = {}
    for rep in range(a.reps):
        for size in sizes:
            for kernel in ('ours', 'upstream'):
                for mode in ('nonpv', 'pv'):
                    tag = f'bench.size-{size}.{kernel}-{mode}.{rep}'
                    vals, cnt = boot_once(a, kernels[kernel], mode, tag, 0, memory=size)
                    boots.setdefault((kernel, mode, size), []).append(
                        dict(boot_s=vals.get('boot_s'),
                             uvc=sum(cnt.get(k, 0) for k in UVC),
                             shared_mib=cnt.get('shared-now', 0) * 4096 / 2 ** 20))
                    print(f'{tag}: boot {vals.get("boot_s")}s', flush=True)
    return sizes, boots


def summarize_boots(sizes, boots, reps):
    """Boot PV / non-PV per kernel and size, paired per repetition."""
    out = {}
    for size in sizes:
        for k in ('ours', 'upstream'):
            pv, npv = boots[(k, 'pv', size)], boots[(k, 'nonpv', size)]
            out[f'{k}: boot PV / non-PV at {size // 1024} GiB'] = med(
                [pv[r]['boot_s'] / npv[r]['boot_s'] for r in range(reps)
                 if pv[r]['boot_s'] and npv[r]['boot_s']])
            out[f'{k}: UV calls at boot (PV) at {size // 1024} GiB'] = med(
                [pv[r]['uvc'] for r in range(reps)])
            out[f'{k}: shared MiB after boot (PV) at {size // 1024} GiB'] = med(
                [pv[r]['shared_mib'] for r in range(reps)])
        out[f'pv: boot ours / upstream at {size // 1024} GiB'] = med(
            [boots[('ours', 'pv', size)][r]['boot_s'] / boots[('upstream', 'pv', size)][r]['boot_s']
             for r in range(reps) if boots[('ours', 'pv', size)][r]['boot_s'] and
             boots[('upstream', 'pv', size)][r]['boot_s']])
    return out


def med(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    return dict(median=statistics.median(xs), min=min(xs), max=max(xs), n=len(xs))


def pick(runs, kernel, mode, rep):
    return next(r for r in runs if r['kernel'] == kernel and r['mode'] == mode and r['rep'] == rep)


def mibps(r, key, mib):
    return mib / r[key] if r.get(key) else None


def summarize(runs, reps, mib):
    """Per-config medians and paired ratios."""
    metrics = {}
    for kernel, mode in CONFIGS:
        rs = [r for r in runs if r['kernel'] == kernel and r['mode'] == mode]
        m = {
            'boot_s': med([r['boot_s'] for r in rs]),
            'uv_calls_at_boot': med([r['uvc_boot'] for r in rs]),
            'uv_calls_per_gib': med([r['uvc_per_gib'] for r in rs]),
            'seq_write_mibps': med([mibps(r, 'seq_write_s', mib) for r in rs]),
            'seq_read_mibps': med([mibps(r, 'seq_read_s', mib) for r in rs]),
            'rand_read_iops': med([r['rand_read_ops'] / r['rand_read_s'] for r in rs
                                   if r.get('rand_read_s')]),
            'copy_s': med([r.get('copy_s') for r in rs]),
            'kcopy_s': med([r.get('kcopy_s') for r in rs if r.get('kcopy_s', -1) > 0]),
            'mvc_s': med([r.get('mvc_s') for r in rs]),
            'copy_buf_mib': med([r.get('copy_buf_mib') for r in rs]),
            'pool_mib': med([r['pool_slots'] * 2048 / 2 ** 20 if r.get('pool_slots', -1) >= 0
                             else 0 for r in rs]),
            'shared_mib': med([r['shared_pages'] * 4096 / 2 ** 20 if r.get('shared_pages', -1) >= 0
                               else None for r in rs]),
            'stale_bytes': med([r.get('stale_bytes') for r in rs]),
            'violations': med([r.get('violations') for r in rs]),
        }
        for s in STREAMS:
            m[f'par{s}_mibps'] = med([mibps(r, f'par{s}_s', mib) for r in rs])
            m[f'par{s}_hiwater_slots'] = med([r.get(f'par{s}_hiwater') for r in rs])
            m[f'par{s}_map_failures'] = med([r.get(f'par{s}_full') for r in rs])
        metrics[f'{kernel}-{mode}'] = m

    ratios = {}

    def paired(name, fn):
        ratios[name] = med([fn(rep) for rep in range(reps)])

    for k in ('ours', 'upstream'):
        def pv_nonpv(key, k=k, inverse=False):
            def f(rep):
                pv, npv = pick(runs, k, 'pv', rep), pick(runs, k, 'nonpv', rep)
                if not pv.get(key) or not npv.get(key):
                    return None
                return npv[key] / pv[key] if inverse else pv[key] / npv[key]
            return f
        paired(f'{k}: boot PV / non-PV', pv_nonpv('boot_s'))
        if k == 'ours':
            def pool128(rep):
                pv, npv = pick(runs, 'ours', 'pv-128', rep), pick(runs, 'ours', 'nonpv', rep)
                if not pv.get('boot_s') or not npv.get('boot_s'):
                    return None
                return pv['boot_s'] / npv['boot_s']
            paired('ours with a 128 MiB pool up front (swiotlb=65536): boot PV / non-PV',
                   pool128)
        # throughput ratio PV / non-PV = time non-PV / time PV
        for key in ('seq_read_s', 'seq_write_s', 'rand_read_s'):
            paired(f'{k}: {key[:-2]} throughput PV / non-PV', pv_nonpv(key, inverse=True))

        for key in ('seq_read_s', 'seq_write_s'):
            n = COPIES[k][key]

            def eff(rep, k=k, key=key, n=n):
                pv, npv = pick(runs, k, 'pv', rep), pick(runs, k, 'nonpv', rep)
                if not pv.get(key) or not npv.get(key) or not pv.get('copy_s'):
                    return None
                return (npv[key] + n * pv['copy_s']) / pv[key]

            def apparent(rep, k=k, key=key):
                pv, npv = pick(runs, k, 'pv', rep), pick(runs, k, 'nonpv', rep)
                if not pv.get(key) or not npv.get(key) or not pv.get('copy_s'):
                    return None
                return (pv[key] - npv[key]) / pv['copy_s']
            paired(f'{k}: {key[:-2]} efficiency (non-PV + {n} x copy) / PV', eff)
            paired(f'{k}: {key[:-2]} apparent copies (PV - non-PV) / copy', apparent)
    for mode in ('nonpv', 'pv'):
        for key in ('boot_s',):
            paired(f'{mode}: boot ours / upstream',
                   lambda rep, mode=mode, key=key: (pick(runs, 'ours', mode, rep)[key] /
                                                    pick(runs, 'upstream', mode, rep)[key]))
        for key in ('seq_read_s', 'seq_write_s', 'rand_read_s', 'par16_s'):
            paired(f'{mode}: {key[:-2]} throughput ours / upstream',
                   lambda rep, mode=mode, key=key: (pick(runs, 'upstream', mode, rep)[key] /
                                                    pick(runs, 'ours', mode, rep)[key]))
    return metrics, ratios


def fmt(m, digits=2):
    if m is None:
        return '-'
    if m['min'] == m['max']:
        return f'{m["median"]:.{digits}f}'
    return f'{m["median"]:.{digits}f} ({m["min"]:.{digits}f}-{m["max"]:.{digits}f})'


def markdown(metrics, ratios, a):
    cols = [f'{k}-{m}' for k, m in CONFIGS]
    out = [f'# make bench: {a.reps} repetitions, {a.mib} MiB per phase, '
           f'{a.memory} MiB guests, TCG', '',
           'Medians, (min-max) where they differ.', '',
           '| metric | ' + ' | '.join(cols) + ' |', '|---' * (len(cols) + 1) + '|']
    for key in metrics[cols[0]]:
        out.append(f'| {key} | ' + ' | '.join(fmt(metrics[c][key]) for c in cols) + ' |')
    out += ['', '| ratio (paired per repetition) | median (min-max) |', '|---|---|']
    for name, m in ratios.items():
        out.append(f'| {name} | {fmt(m, 3)} |')
    return '\n'.join(out) + '\n'


def plot(metrics, out_dir):
    data = os.path.join(out_dir, 'parallel.dat')
    with open(data, 'w') as f:
        f.write('# streams ' + ' '.join(f'{k}-{m}' for k, m in CONFIGS) + '\n')
        for s in STREAMS:
            vals = [metrics[f'{k}-{m}'][f'par{s}_mibps'] for k, m in CONFIGS]
            f.write(f'{s} ' + ' '.join(f'{v["median"]:.2f}' if v else 'NaN' for v in vals) + '\n')
    script = f'''set terminal png size 800,500 noenhanced
set output "{os.path.join(out_dir, 'parallel.png')}"
set title "1 MiB O_DIRECT reads: throughput against parallel streams (medians)"
set xlabel "parallel streams"
set ylabel "MiB/s"
set logscale x 2
set xrange [0.8:20]
set yrange [0:*]
set xtics (1, 4, 16)
set key left top
plot ''' + ', '.join(f'"{data}" using 1:{i + 2} with linespoints title "{k}-{m}"'
                     for i, (k, m) in enumerate(CONFIGS)) + '\n'
    try:
        subprocess.run(['gnuplot'], input=script, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f'bench: no plot ({e})')


def main(a):
    os.makedirs(a.out, exist_ok=True)
    runs = measure(a)
    metrics, ratios = summarize(runs, a.reps, a.mib)
    sizes, boots = measure_boots(a)
    ratios.update(summarize_boots(sizes, boots, a.reps))
    with open(os.path.join(a.out, 'results.json'), 'w') as f:
        json.dump(dict(reps=a.reps, mib=a.mib, memory_mib=a.memory, runs=runs,
                       boot_sizes=sizes,
                       boots={f'{k}-{m}-{s}': v for (k, m, s), v in boots.items()},
                       metrics=metrics, ratios=ratios), f, indent=1)
    md = markdown(metrics, ratios, a)
    with open(os.path.join(a.out, 'results.md'), 'w') as f:
        f.write(md)
    plot(metrics, a.out)
    print(md)
    return 0
