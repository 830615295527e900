#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the TAP parser and the console judge, on fixture logs.

Prints TAP itself, so the runner counts it like every other suite. Each
fixture states what the runner must conclude; the failing fixtures prove
that the runner reports failures.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from pvm import console, runner, tap  # noqa: E402
from hosttap import check, report  # noqa: E402



def fixture(name):
    with open(os.path.join(HERE, 'fixtures', name)) as f:
        return f.read()


def judge(name, **kw):
    """(per-suite Counts, boot Counts) for a fixture console log."""
    suites, boot = console.analyze(fixture(name), **kw)
    counts = {s: tap.count(tap.parse(t), s) for s, t in suites.items()}
    return counts, tap.count(tap.parse(boot), 'boot')


def main():
    c, b = judge('pass.log', expected=['smoke', 'kselftest'])
    check(b.failed == 0 and b.passed == 5, 'pass.log: boot judged good')
    check(c['smoke'].passed == 1 and c['smoke'].skipped == 1 and c['smoke'].failed == 0,
          'pass.log: smoke has 1 pass and 1 skip (skips are not passes)')
    k = c['kselftest']
    check((k.passed, k.failed, k.skipped) == (2, 0, 1),
          'pass.log: kselftest nested subtests counted at the leaves')

    c, b = judge('panic.log', expected=['blk'], exit_code=0)
    check(b.failed >= 2, 'panic.log: panic and unfinished boot are failures')
    check(c['blk'].failed >= 1, 'panic.log: the interrupted suite fails')
    check(any('panic' in f for f in b.failures), 'panic.log: the panic is named')

    c, b = judge('timeout.log', expected=['blk'], timed_out=True, timeout=60)
    check(any('timed out' in f for f in b.failures), 'timeout.log: timeout reported')
    check(c['blk'].failed >= 1, 'timeout.log: the hung suite fails')

    # run_kselftest.sh prints one TAP document per collection
    two = ('TAP version 13\n1..1\nok 1 a\n'
           'TAP version 13\n1..2\nok 1 b\nnot ok 2 c\n')
    t = tap.count(tap.parse(two), 'ks')
    check((t.passed, t.failed) == (2, 1) and not any('plan' in f for f in t.failures),
          'concatenated documents: each with its own plan, results add up')
    short = 'TAP version 13\n1..1\nok 1 a\nTAP version 13\n1..3\nok 1 b\n'
    t = tap.count(tap.parse(short), 'ks')
    check(any('document 2: plan says 3' in f for f in t.failures) and t.failed >= 2,
          'concatenated documents: a short second document fails')
    skipped = 'TAP version 13\n1..0 # SKIP no device\nTAP version 13\n1..1\nok 1 b\n'
    t = tap.count(tap.parse(skipped), 'ks')
    check((t.passed, t.failed, t.skipped) == (1, 0, 1),
          'concatenated documents: a skipped document counts as a skip')

    c, b = judge('truncated-plan.log', expected=['smoke'])
    check(b.failed == 0, 'truncated-plan.log: the boot itself was fine')
    check(c['smoke'].failed == 2 and c['smoke'].passed == 3,
          'truncated-plan.log: 2 announced tests missing are 2 failures')

    c, b = judge('failing-subtest.log', expected=['kselftest', 'kunit', 'smoke'])
    check(c['kselftest'].failed == 1 and c['kselftest'].passed == 2,
          'failing-subtest.log: the failing kselftest subtest is counted once')
    check(c['kunit'].failed == 1 and c['kunit'].passed == 1,
          'failing-subtest.log: KTAP nested by indentation is parsed')
    check(b.failed == 1 and any('smoke' in f for f in b.failures),
          'failing-subtest.log: a missing expected suite fails the boot')

    c, b = judge('oops.log', expected=['smoke'])
    check(b.failed == 1 and any('Oops' in f or 'Unable' in f for f in b.failures),
          'oops.log: an oops after the suites still fails the boot')

    # kdump: the crash asked for is expected, nothing else
    c, b = judge('kdump.log', expected=['smoke', 'after-kdump.vmcore'])
    check(b.failed == 0 and c['after-kdump.vmcore'].passed == 1,
          'kdump.log: the panic of sysrq c between PVM-KDUMP and PVM-STAGE-2 is expected')
    c, b = judge('kdump-oops.log', expected=['smoke', 'after-kdump.vmcore'])
    check(b.failed == 1 and any('Unable' in f for f in b.failures),
          'kdump-oops.log: an oops during the deliberate crash still fails the boot')
    c, b = judge('kdump-late.log', expected=['smoke', 'after-kdump.vmcore'])
    check(b.failed == 1 and any('panic' in f for f in b.failures),
          'kdump-late.log: a panic outside the kdump window fails the boot')

    # plain TAP edge cases
    check(tap.count(tap.parse('ok 1 - x\n'), 's').failed == 1, 'missing plan is a failure')
    check(tap.count(tap.parse(''), 's').failed == 1, 'no output at all is a failure')
    check(tap.count(tap.parse('1..2\nok 1\nBail out! broken\n'), 's').failed == 2,
          'Bail out! and the missing test are failures')
    check(tap.count(tap.parse('1..0 # SKIP no device\n'), 's').skipped == 1,
          'a skipped plan is a skip, not a pass')
    check(tap.count(tap.parse('1..1\nnot ok 1 - x # TODO later\n'), 's').failed == 0,
          'a TODO failure is not counted as a failure')

    # counters: the emulator's line on stderr, the guest's on the console
    cnt = runner.parse_counters(
        's390-pv-guest: protected=1 shared-now=12 faults-injected=3\n',
        'noise\npvm-guest-counters: shared-pages=12 uv-errors=2\n')
    check(cnt.get('shared-now') == '12' and cnt.get('guest-shared-pages') == '12',
          'counters: emulator and guest (guest-NAME) counters are both parsed')

    def verdicts(exps):
        t = tap.parse(runner.counter_tap(cnt, exps))
        return [r.ok for r in t.results]
    check(verdicts(['guest-shared-pages=shared-now', 'faults-injected>=1',
                    'shared-now<=12']) == [True, True, True],
          'counters: NAME=OTHER, >= and <= hold when they should')
    check(verdicts(['guest-uv-errors=faults-injected', 'shared-now=0',
                    'no-such=1', 'shared-now=no-such', 'bad expectation']) ==
          [False, False, False, False, False],
          'counters: a mismatch, a missing counter on either side and a bad '
          'expectation all fail')
    return report()


if __name__ == '__main__':
    sys.exit(main())
