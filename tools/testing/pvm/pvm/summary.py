# SPDX-License-Identifier: GPL-2.0
"""One summary for every suite: host tests, emulator payloads, guest suites."""
import glob
import os

from . import console, tap


EXPECTED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        'expected-failures')


def load_expected(path=EXPECTED):
    """[(suite, substring, why)]: failures that are findings, not regressions.

    Used for the upstream kernel, whose known defects the suites show; every
    entry names the suite (run.suite) and a substring of the test's label.
    """
    out = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip() and not line.startswith('#'):
                    suite, sub, why = (line.rstrip('\n').split('\t') + ['', ''])[:3]
                    out.append((suite, sub, why))
    return out


def apply_expected(name, counts, expected):
    """Move failures listed in the expectations out of counts.failed."""
    known = []
    for f in list(counts.failures):
        for suite, sub, why in expected:
            if name.startswith("upstream-") and suite == name and sub in f:
                counts.failures.remove(f)
                counts.failed -= 1
                known.append(f'{f}  [{why}]')
                break
    return known


def collect(results, expected=None):
    """[(suite name, Counts, known failures)] for every .tap file."""
    expected = load_expected() if expected is None else expected
    rows = []
    for path in sorted(glob.glob(os.path.join(results, '*.tap'))):
        name = os.path.basename(path)[:-len('.tap')]
        with open(path, errors='replace') as f:
            c = tap.count(tap.parse(f.read()), name)
        rows.append((name, c, apply_expected(name, c, expected)))
    return rows


# The emulator counters shown in the summary (all of them stay in
# <run>.counters).
SHOWN = ('protected', 'uvc-query', 'uvc-share', 'uvc-unshare', 'uvc-errors',
         'shared-now', 'shared-peak', 'violations', 'stale-bytes', 'key-traps')
# What the guest itself reported at the end of the run (init's
# "pvm-guest-counters:" line; "-" where the kernel has no such counter).
GUEST_SHOWN = ('shared-pages', 'shared-peak', 'leaked-pages', 'uv-errors',
               'bounce-slots', 'bounce-hiwater', 'bounce-used')

# What the exposure detector found (the run's canary where the host can
# read it): reported for every boot that planted one, asserted where the
# Makefile says so.
EXPOSURE_SHOWN = ('exposed-pages', 'exposed-pool', 'exposed-coherent', 'exposed-other',
                  'exposed-net', 'exposed-bytes', 'dma-after-unshare', 'host-exposed-console')


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
    width = max([len(n) for n, _, _ in rows] + [10])
    print(f'{"suite":<{width}}  pass  fail  skip  known')
    known = []
    for name, c, k in rows:
        print(f'{name:<{width}}  {c.passed:4}  {c.failed:4}  {c.skipped:4}  {len(k):5}')
        total.add(c)
        known += k
    runs = counters(results)
    if runs:
        rw = max(len(r) for r in runs)
        print(f'\nemulator counters{" " * (rw - 16)}  ' +
              ' '.join(f'{k:>11}' for k in SHOWN))
        for run, c in runs.items():
            print(f'{run:<{rw}}  ' + ' '.join(f'{c.get(k, "-"):>11}' for k in SHOWN))
        print(f'\nguest counters{" " * (rw - 13)}  ' +
              ' '.join(f'{k:>14}' for k in GUEST_SHOWN))
        for run, c in runs.items():
            print(f'{run:<{rw}}  ' +
                  ' '.join(f'{c.get("guest-" + k, "-"):>14}' for k in GUEST_SHOWN))
    exposed = {r: c for r, c in runs.items() if 'host-exposed-console' in c}
    if exposed:
        rw = max(len(r) for r in exposed)
        print('\nexposure of planted canaries (asserted where the Makefile says so: 0 in '
              'our protected boots, >= 1 in the negative one; upstream\'s are findings)')
        print(f'{"run":<{rw}}  ' + ' '.join(f'{k[8:] if k.startswith("exposed-") else k:>11}'
                                           for k in EXPOSURE_SHOWN))
        for run, c in exposed.items():
            print(f'{run:<{rw}}  ' + ' '.join(f'{c.get(k, "-"):>11}' for k in EXPOSURE_SHOWN))
    if known:
        print('\nknown upstream findings (expected failures, see '
              'tools/testing/pvm/expected-failures):')
        for k in known:
            print(f'  {k}')
    if total.failures:
        print('\nfailures:')
        for f in total.failures:
            print(f'  {f}')
    failed_runs = sorted({n.rsplit('.', 1)[0] for n, c, _ in rows
                          if c.failed and n.endswith('.boot')})
    for run in failed_runs:
        for kind in ('console', 'stderr'):
            log = os.path.join(results, f'{run}.{kind}.log')
            if os.path.exists(log):
                with open(log, errors='replace') as f:
                    text = f.read()
                if text.strip():
                    print(f'\n--- {kind} tail of {run} ---\n{console.tail(text, tail_lines)}')
    skipped = f', {total.skipped} skipped' if total.skipped else ''
    print(f'\n{total.passed} passed, {total.failed} failed{skipped}')
    return total
