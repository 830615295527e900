#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of make fuzz's judge (pvm/fuzz.py): how a boot is classified
from its console and counters, the seed's plan, the report. Prints TAP.

A judge that calls a crash clean makes the campaign a lie: each bad kind
must be caught, and the harmless ones must not be called bad.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from pvm import fuzz  # noqa: E402
from hosttap import check, report  # noqa: E402

OK = 'Run /init as init process\nPVM-INIT uptime=1\nPVM-SUITE-BEGIN fuzz\n'
END = 'PVM-SUITE-END fuzz rc=0\nPVM-DONE\n'


def kind(console, counters=None, timed_out=False):
    return fuzz.classify(console, counters or {}, timed_out)[:2]


def main():
    check(kind(OK + END) == ('clean', ''), 'a boot with nothing to say is clean')
    check(kind('Kernel command line: pvm.timeout=100 net blk invalid\n' + OK + END) ==
          ('clean', ''), 'the command line is not a refusal')
    for line, why in (('Kernel panic - not syncing: Fatal exception', 'panic'),
                      ('Unable to handle kernel pointer dereference in virtual kernel', 'oops'),
                      ('addressing exception: 0005 ilc:3 [#1] SMP', 'oops'),
                      ('BUG: KASAN: slab-out-of-bounds in vring_interrupt+0x1c/0x80', 'kasan'),
                      ('UBSAN: shift-out-of-bounds in drivers/virtio/virtio_ring.c:100:1', 'ubsan'),
                      ('WARNING: possible circular locking dependency detected', 'lockdep'),
                      ('# | # stream 0: first mismatch in block 7', 'corrupt')):
        check(kind(OK + line + '\n' + END) == ('bad', why), f'{why} is bad: {line[:40]}')
    check(kind(OK) == ('bad', 'hang'), 'no PVM-DONE is a hang')
    check(kind('INFO: task kworker/u8:1:29 blocked for more than 60 seconds.\n'
               'Kernel panic - not syncing: hung_task: blocked tasks\n') == ('bad', 'hang'),
          'the hung-task detector\'s panic is a hang, not a panic')
    check(kind(OK + 'not ok 2 - network: pvm-canary is stuck in the kernel 10 s after SIGKILL\n'
               + END) == ('bad', 'hang'), 'a tool SIGKILL did not end is a hang')
    check(kind(OK + END, timed_out=True) == ('bad', 'hang'), 'a boot past its timeout is a hang')
    check(kind(OK + END, {'violations': '3'}) == ('bad', 'violation'),
          'a device access to an unshared page is bad')
    check(kind(OK + 'WARNING: CPU: 0 PID: 23 at x.c:1 f+0x1/0x2\n' + END) == ('warn', 'warn'),
          'a WARN is counted as warn')
    check(kind(OK + '# | # stream 1: read at 4096: Input/output error (tolerated)\n' + END) ==
          ('io-error', 'io-error'), 'an I/O error reported to user space')
    check(kind(OK + 'PVM-SUITE-END fuzz rc=143\nPVM-DONE\n') == ('io-error', 'stalled'),
          'a suite killed at its timeout stalled (denied service), not bad')
    check(kind(OK + 'virtio_blk virtio0: a virtqueue is broken: resetting the device, '
                    'failing its I/O\n' + END) == ('refused', 'refused'),
          'a device refused with a message')
    check(fuzz.plan(7) == fuzz.plan(7) and all(
        1 <= len(fuzz.plan(s)[0]) <= 3 and fuzz.plan(s)[1] in fuzz.RATES for s in range(50)),
          'a seed stands for one to three classes and a rate, the same each time')
    res = [{'kernel': 'ours', 'classes': ['used'], 'kind': 'bad', 'mutations': 3},
           {'kernel': 'ours', 'classes': ['irb'], 'kind': 'clean', 'mutations': 1},
           {'kernel': 'upstream', 'classes': ['used'], 'kind': 'clean', 'mutations': 2}]
    rows = {r['class']: r for r in fuzz.table(res, ['ours', 'upstream'])}
    check(rows['used']['ours']['per100'] == 100.0 and rows['irb']['ours']['per100'] == 0.0 and
          rows['all']['ours']['bad'] == 1 and rows['all']['upstream']['bad'] == 0,
          'the table counts bad boots per 100 by class and kernel')
    plot = fuzz.text_plot(fuzz.table(res, ['ours', 'upstream']), ['ours', 'upstream'], width=10)
    bars = [line for line in plot if '|' in line]
    check(len(bars) == 2 * (len(fuzz.CLASSES) + 1) and
          any(line.startswith('used ') and '|##########|' in line for line in bars) and
          any('upstream |          |   0.0' in line for line in bars),
          'the text plot has a bar per class and kernel, as long as bad per 100')
    svg = fuzz.svg(fuzz.table(res, ['ours', 'upstream']), ['ours', 'upstream'])
    check(svg.startswith('<svg') and svg.count('<rect') >= 2 * len(fuzz.CLASSES),
          'the plot has a bar per class and kernel')
    return report()


if __name__ == '__main__':
    sys.exit(main())
