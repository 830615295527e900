# SPDX-License-Identifier: GPL-2.0
"""One summary for every suite: host tests, emulator payloads, guest suites."""
import glob
import os

from . import console, tap


def collect(results):
    """[(suite name, Counts)] for every .tap file in a results directory."""
    rows = []
    for path in sorted(glob.glob(os.path.join(results, '*.tap'))):
        name = os.path.basename(path)[:-len('.tap')]
        with open(path, errors='replace') as f:
            rows.append((name, tap.count(tap.parse(f.read()), name)))
    return rows


# The emulator counters shown in the summary (all of them stay in
# <run>.counters).
SHOWN = ('protected', 'uvc-query', 'uvc-share', 'uvc-unshare', 'uvc-errors',
         'shared-now', 'shared-peak', 'violations', 'stale-bytes', 'key-traps')


def counters(results):
    """{run: {counter: value}} for every kernel boot under the emulator."""
    out = {}
    for path in sorted(glob.glob(os.path.join(results, '*.counters'))):
        run = os.path.basename(path)[:-len('.counters')]
        if run.startswith('emu.'):
            continue        # the emulator's own payloads: model tests
        with open(path) as f:
            out[run] = dict(kv.partition('=')[::2] for kv in f.read().split())
    return out


def report(results, tail_lines=40):
    """Print the summary; return the total Counts."""
    total = tap.Counts()
    rows = collect(results)
    width = max([len(n) for n, _ in rows] + [10])
    print(f'{"suite":<{width}}  pass  fail  skip')
    for name, c in rows:
        print(f'{name:<{width}}  {c.passed:4}  {c.failed:4}  {c.skipped:4}')
        total.add(c)
    runs = counters(results)
    if runs:
        rw = max(len(r) for r in runs)
        print(f'\nemulator counters{" " * (rw - 16)}  ' +
              ' '.join(f'{k:>11}' for k in SHOWN))
        for run, c in runs.items():
            print(f'{run:<{rw}}  ' + ' '.join(f'{c.get(k, "-"):>11}' for k in SHOWN))
    if total.failures:
        print('\nfailures:')
        for f in total.failures:
            print(f'  {f}')
    failed_runs = sorted({n.rsplit('.', 1)[0] for n, c in rows
                          if c.failed and n.endswith('.boot')})
    for run in failed_runs:
        log = os.path.join(results, run + '.console.log')
        if os.path.exists(log):
            with open(log, errors='replace') as f:
                print(f'\n--- console tail of {run} ---\n{console.tail(f.read(), tail_lines)}')
    skipped = f', {total.skipped} skipped' if total.skipped else ''
    print(f'\n{total.passed} passed, {total.failed} failed{skipped}')
    return total
