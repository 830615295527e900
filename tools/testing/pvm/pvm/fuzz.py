# SPDX-License-Identifier: GPL-2.0
"""make fuzz: a hostile host, fuzzed.

Each boot of the campaign starts a kernel built with the fuzz config
(KASAN, UBSAN, lockdep) as a protected guest under the emulated
Ultravisor's fuzzing host (fuzz=on): the boot's seed picks its classes of
host-controlled input and its rate, and the emulator mutates that input
deterministically from the seed.  The guest runs the fuzz suite
(checksummed block I/O, network datagrams).  Each boot is classified from
its console and the emulator's counters:

  clean     nothing went wrong that the guest noticed
  refused   the kernel refused a device or an answer, with a message
  io-error  I/O failed with an error reported to user space, or stalled
            until the suite killed it (the host denied service)
  warn      a WARN (counted; not bad by itself, listed)
  bad       panic, oops, KASAN/UBSAN/lockdep report, hang, data read
            back wrong, or a device access to a page the guest had not
            shared (the emulator's violations)

Every boot is reproduced by one command, which the report prints for each
bad one.  Results go to OUT: results.json, results.md (the table and the
plot as text) and bad-per-100.svg (bad boots per 100 by class, ours
against upstream).
"""
import json
import os
import random
import re
import shlex
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from . import runner

CLASSES = ('used', 'used-idx', 'avail-event', 'config', 'status', 'vq-conf',
           'indicators', 'irb', 'sense-id', 'chsc', 'sclp', 'uv-share', 'stsi',
           'give-up')
RATES = (20, 100, 500, 2000)        # events in 10000 mutated
KINDS = ('clean', 'refused', 'io-error', 'warn', 'bad')
APPEND = ('console=ttysclp0 pvm.expect=pv pvm.suites=fuzz pvm.blk=4,2 pvm.timeout=120 '
          'panic=1 kunit.enable=0')

# what makes a boot bad, first match names the reason
BAD = (
    ('kasan', re.compile(r'BUG: KASAN')),
    ('ubsan', re.compile(r'UBSAN:')),
    ('lockdep', re.compile(r'WARNING: possible (circular|recursive)|inconsistent lock state|'
                           r'BUG: (sleeping function|scheduling while atomic|spinlock)')),
    ('oops', re.compile(r'Oops|\[#\d+\]|kernel BUG at|Unable to handle kernel|BUG: ')),
    # the kernel's hung-task detector (pvm-fuzz.config: 60 s, then panic)
    # ends a hung boot early, naming the task and where it waits; the
    # suite names a tool SIGKILL did not end (spinning in the kernel,
    # which the detector does not see)
    ('hang', re.compile(r'INFO: task \S+ blocked for more than \d+ seconds|'
                        r'hung_task: blocked tasks|^not ok \d+ - .* stuck in the kernel', re.M)),
    ('panic', re.compile(r'Kernel panic')),
    ('corrupt', re.compile(r'mismatch in block')),
)
WARN = re.compile(r'WARNING: CPU: \d+ PID: \d+')
# kernel messages that say a device or an answer was refused
REFUSED = re.compile(r'^(virtio|vring|virtqueue|ccw|cio|css|chsc|sclp|prot_virt|uv|stsi|'
                     r'blk|net|dasd)\S*:? .*\b(error|fail|broken|corrupt|invalid|bad|refus|'
                     r'unexpected|not operational|timed out|unknown|unsupported|wrong|stray|'
                     r'ignoring)', re.I)
STALLED = re.compile(r'^PVM-SUITE-END fuzz rc=(137|143)$', re.M)
IO_ERROR = re.compile(r'^(# \| )?# stream \d+: \w+ at \d+: |Input/output error|'
                      r'^(# \| )?# send on ', re.M)


def plan(seed):
    """The class mix and rate a seed stands for."""
    rng = random.Random(seed)
    classes = sorted(rng.sample(CLASSES, rng.choice((1, 1, 2, 3))), key=CLASSES.index)
    return classes, rng.choice(RATES)


def classify(console, counters, timed_out):
    """(kind, reason, first telling line) of one boot."""
    lines = console.splitlines()
    for reason, rx in BAD:
        hit = next((l for l in lines if rx.search(l)), None)
        if hit:
            return 'bad', reason, hit.strip()
    if timed_out or 'PVM-DONE' not in console:
        last = next((l for l in reversed(lines) if l.strip()), '')
        return 'bad', 'hang', last.strip()
    for name in ('violations', 'hw-write-stops'):
        if int(counters.get(name, '0'), 0):
            return 'bad', 'violation', f'{name}={counters[name]}'
    hit = next((l for l in lines if WARN.search(l)), None)
    if hit:
        return 'warn', 'warn', hit.strip()
    m = IO_ERROR.search(console)
    if m:
        return 'io-error', 'io-error', m.group(0).strip()
    m = STALLED.search(console)
    if m:
        # I/O stopped and the task had to be killed: the host denied
        # service, which it always can; nothing stayed stuck
        return 'io-error', 'stalled', m.group(0).strip()
    hit = next((l for l in lines if REFUSED.search(l) and not l.startswith(('#', 'ok', 'not ok'))),
               None)
    if hit:
        return 'refused', 'refused', hit.strip()
    return 'clean', '', ''


def boot_argv(a, kernel_name, kernel, seed, classes, rate):
    name = f'fuzz-{kernel_name}-{seed}'
    opts = ['fuzz=on', f'fuzz-seed={seed}', f'fuzz-rate={rate}',
            'fuzz-class=' + ':'.join(classes)]
    argv = ['--name', name, '--qemu', a.qemu, '--kernel', kernel, '--initrd', a.initrd,
            '--pv', '--memory', str(a.memory), '--smp', str(a.smp),
            '--timeout', str(a.timeout),
            '--scratch-mib', '64', '--no-canary', '--results', os.path.join(a.out, 'boots'),
            '--append', APPEND]
    for o in opts:
        argv += ['--pv-opt', o]
    return name, argv


def reproduce(a, kernel_name, seed):
    """The one command that runs this boot again."""
    extra = (['--classes', a.classes] if a.classes else []) + \
        (['--rate', str(a.rate)] if a.rate else [])
    return shlex.join([sys.argv[0], 'fuzz', '--qemu', a.qemu, '--ours', a.ours,
                       '--upstream', a.upstream, '--initrd', a.initrd, '--out',
                       os.path.join(a.out, 'repro'), '--kernels', kernel_name,
                       '--seed', str(seed), '--boots', '1'] + extra)


def one(a, boot_parser, kernel_name, kernel, seed):
    classes, rate = plan(seed)
    if a.classes:
        classes = a.classes.split(':')
    if a.rate:
        rate = a.rate
    name, argv = boot_argv(a, kernel_name, kernel, seed, classes, rate)
    args = boot_parser.parse_args(argv)
    base = os.path.join(args.results, name)
    done = os.path.exists(base + '.seconds')
    if not a.report_only and not (a.resume and done):
        t0 = time.monotonic()
        runner.boot(args)
        with open(base + '.seconds', 'w') as f:
            f.write(f'{time.monotonic() - t0:.1f}\n')
    seconds = 0.0
    if os.path.exists(base + '.seconds'):
        seconds = float(open(base + '.seconds').read())
    console = open(base + '.console.log', errors='replace').read()
    counters = {}
    if os.path.exists(base + '.counters'):
        counters = dict(kv.split('=', 1) for kv in open(base + '.counters').read().split())
    boot_tap = open(base + '.boot.tap').read()
    timed_out = 'timed out' in boot_tap
    kind, reason, line = classify(console, counters, timed_out)
    r = {'kernel': kernel_name, 'seed': seed, 'classes': classes, 'rate': rate,
         'kind': kind, 'reason': reason, 'line': line[:200],
         'events': int(counters.get('fuzz-events', '0'), 0),
         'mutations': int(counters.get('fuzz-mutations', '0'), 0),
         'by-class': {c: int(counters.get('fuzz-' + c, '0'), 0) for c in classes},
         'warns': len(WARN.findall(console)), 'seconds': seconds}
    if kind == 'bad':
        r['reproduce'] = reproduce(a, kernel_name, seed)
    print(f'{name}: {kind}{" (" + reason + ")" if reason and reason != kind else ""} '
          f'[{",".join(classes)} rate {rate}, {r["mutations"]} of {r["events"]} events '
          f'mutated]', flush=True)
    return r


def table(results, kernels):
    """Per class (boots whose mix has it): boots, bad, bad per 100, by kernel."""
    rows = []
    for c in CLASSES + ('all',):
        row = {'class': c}
        for k in kernels:
            rs = [r for r in results if r['kernel'] == k and (c == 'all' or c in r['classes'])]
            bad = sum(r['kind'] == 'bad' for r in rs)
            row[k] = {'boots': len(rs), 'bad': bad,
                      'per100': round(100.0 * bad / len(rs), 1) if rs else 0.0,
                      'mutations': sum(r['mutations'] for r in rs),
                      **{kind: sum(r['kind'] == kind for r in rs) for kind in KINDS}}
        rows.append(row)
    return rows


def markdown(results, rows, kernels, cmd):
    out = ['# make fuzz', '', f'Command: `{cmd}`', '',
           '| class | ' + ' | '.join(f'{k}: boots | {k}: mutations | {k}: clean/refused/io-error/'
                                     f'warn | {k}: bad | {k}: bad per 100' for k in kernels) + ' |',
           '|---|' + '---|---|---|---|---|' * len(kernels)]
    for row in rows:
        cells = []
        for k in kernels:
            v = row[k]
            cells += [str(v['boots']), str(v['mutations']),
                      f"{v['clean']}/{v['refused']}/{v['io-error']}/{v['warn']}",
                      str(v['bad']), f"{v['per100']}"]
        out.append(f"| {row['class']} | " + ' | '.join(cells) + ' |')
    out += ['', 'Boot time (seconds of each boot, summed; the campaign takes about the sum '
            'divided by --jobs): ' +
            ', '.join(f"{k} {sum(r['seconds'] for r in results if r['kernel'] == k):.0f} s"
                      for k in kernels)]
    out += ['', '```'] + text_plot(rows, kernels) + ['```']
    bad = [r for r in results if r['kind'] == 'bad']
    out += ['', f'Bad boots: {len(bad)}', '']
    for r in bad:
        out += [f"* {r['kernel']} seed {r['seed']} ({','.join(r['classes'])}, rate {r['rate']}): "
                f"{r['reason']}: `{r['line']}`", f"  reproduce: `{r['reproduce']}`"]
    warned = [r for r in results if r['warns']]
    if warned:
        out += ['', 'Boots with WARNs: ' + ', '.join(f"{r['kernel']}/{r['seed']} ({r['warns']})"
                                                   for r in warned)]
    return '\n'.join(out) + '\n'


def text_plot(rows, kernels, width=50):
    """The plot as text, for results.md and the README: a bar of bad
    boots per 100 per class and kernel, 100 = width characters."""
    marks = {'ours': '#', 'upstream': '='}
    out = ['bad boots per 100, by class of mutated input (' +
           ', '.join(f"{marks.get(k, '*')} {k}" for k in kernels) + ')', '']
    for row in rows:
        for j, k in enumerate(kernels):
            v = row[k]
            bar = marks.get(k, '*') * round(width * v['per100'] / 100.0)
            name = row['class'] if j == 0 else ''
            out.append(f"{name:<12} {k:<9}|{bar:<{width}}| {v['per100']:5.1f}"
                       f"  ({v['bad']} of {v['boots']})")
    return out


def svg(rows, kernels):
    """Bad boots per 100 by class, one bar per kernel."""
    colors = {'ours': '#1f77b4', 'upstream': '#d62728'}
    w, h, left, top, bottom = 900, 360, 60, 30, 90
    plot_h = h - top - bottom
    top_val = max([100.0] + [row[k]['per100'] for row in rows for k in kernels])
    n = len(rows)
    gw = (w - left - 20) / n
    bw = gw * 0.8 / len(kernels)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             'font-family="sans-serif" font-size="11">',
             f'<text x="{w / 2}" y="16" text-anchor="middle" font-size="13">'
             'make fuzz: bad boots per 100, by class of mutated input</text>']
    for t in range(0, 101, 25):
        y = top + plot_h * (1 - t / top_val)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - 20}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{t}</text>')
    for i, row in enumerate(rows):
        x0 = left + i * gw + gw * 0.1
        for j, k in enumerate(kernels):
            v = row[k]['per100']
            bh = plot_h * v / top_val
            parts.append(f'<rect x="{x0 + j * bw:.1f}" y="{top + plot_h - bh:.1f}" '
                         f'width="{bw:.1f}" height="{bh:.1f}" fill="{colors.get(k, "#777")}">'
                         f'<title>{k} {row["class"]}: {v} ({row[k]["bad"]} of '
                         f'{row[k]["boots"]})</title></rect>')
        cx = left + i * gw + gw / 2
        parts.append(f'<text transform="translate({cx:.1f},{top + plot_h + 12}) rotate(40)">'
                     f'{row["class"]}</text>')
    for j, k in enumerate(kernels):
        parts.append(f'<rect x="{w - 160}" y="{30 + j * 16}" width="10" height="10" '
                     f'fill="{colors.get(k, "#777")}"/><text x="{w - 145}" y="{39 + j * 16}">'
                     f'{k}</text>')
    parts.append('</svg>')
    return '\n'.join(parts) + '\n'


def main(a, boot_parser):
    os.makedirs(a.out, exist_ok=True)
    kernels = a.kernels.split(',')
    images = {'ours': a.ours, 'upstream': a.upstream}
    jobs = [(k, images[k], a.seed + i) for k in kernels for i in range(a.boots)]
    with ThreadPoolExecutor(max_workers=a.jobs) as ex:
        results = list(ex.map(lambda j: one(a, boot_parser, *j), jobs))
    rows = table(results, kernels)
    cmd = shlex.join(sys.argv)
    with open(os.path.join(a.out, 'results.json'), 'w') as f:
        json.dump({'command': cmd, 'results': results, 'table': rows}, f, indent=1)
    with open(os.path.join(a.out, 'results.md'), 'w') as f:
        f.write(markdown(results, rows, kernels, cmd))
    with open(os.path.join(a.out, 'bad-per-100.svg'), 'w') as f:
        f.write(svg(rows, kernels))
    total = {k: rows[-1][k] for k in kernels}
    for k in kernels:
        print(f'{k}: {total[k]["boots"]} boots, {total[k]["bad"]} bad, '
              f'{total[k]["mutations"]} mutations')
    print(f'report: {os.path.join(a.out, "results.md")}')
    return 1 if any(total[k]['bad'] for k in kernels if k == 'ours') else 0


def add_parser(sub):
    p = sub.add_parser('fuzz', help='make fuzz: protected boots under a fuzzing host')
    p.add_argument('--qemu', required=True)
    p.add_argument('--ours', required=True, help="our fuzz kernel's bzImage")
    p.add_argument('--upstream', required=True, help="upstream's fuzz kernel's bzImage")
    p.add_argument('--initrd', required=True)
    p.add_argument('--out', required=True, help='results.json, results.md, bad-per-100.svg')
    p.add_argument('--kernels', default='ours,upstream')
    p.add_argument('--boots', type=int, default=200, help='boots per kernel')
    p.add_argument('--seed', type=int, default=1, help='first seed (one per boot)')
    p.add_argument('--jobs', type=int, default=2, help='boots at a time')
    p.add_argument('--memory', type=int, default=512, help='guest MiB')
    p.add_argument('--smp', type=int, default=1, help='guest CPUs')
    p.add_argument('--timeout', type=int, default=180, help='seconds per boot')
    p.add_argument('--classes', help="every boot's classes (a:b:...), not the seed's mix")
    p.add_argument('--rate', type=int, help="every boot's rate, not the seed's")
    p.add_argument('--resume', action='store_true',
                   help='boot only the seeds without a finished boot in --out (a campaign '
                        'run in parts, with the same kernels)')
    p.add_argument('--report-only', action='store_true',
                   help='boot nothing: classify the boots in OUT/boots again, report')
    return p

