# SPDX-License-Identifier: GPL-2.0
"""Split a guest console log into per-suite TAP and judge the boot.

The initramfs init frames every suite it runs:

    PVM-SUITE-BEGIN <name>
    ...TAP...
    PVM-SUITE-END <name> rc=<exit status>

and prints PVM-DONE before it powers off. Anything else on the console is
kernel or init chatter. The boot itself is judged as a suite of its own
("boot"): user space reached, no panic/oops/BUG/WARNING, finished in time,
every expected suite present.
"""
import re

BEGIN_RE = re.compile(r'PVM-SUITE-BEGIN (\S+)')
END_RE = re.compile(r'PVM-SUITE-END (\S+) rc=(-?\d+)')
DONE = 'PVM-DONE'
INIT = 'PVM-INIT'
# Kernel messages that mean the kernel is broken, whatever the suites say.
CRASH_RE = re.compile(
    r'(Kernel panic - not syncing|Oops|kernel BUG at|BUG: |WARNING: CPU: |'
    r'Unable to handle kernel|general protection fault|Call Trace:|'
    r'disabled wait)')
# A kdump round trip crashes on purpose: from PVM-KDUMP (init asked for
# the crash) to PVM-STAGE-2 (the crash kernel's init) the panic sysrq c
# causes, and its call trace, are expected. Anything else there counts.
KDUMP_BEGIN = 'PVM-KDUMP'
KDUMP_END = 'PVM-STAGE-2'
KDUMP_CRASH_RE = re.compile(r'Kernel panic - not syncing: sysrq triggered crash|Call Trace:')


def clean(line):
    return line.replace('\r', '').rstrip('\n')


def split_suites(lines):
    """Return {name: [lines]} and {name: rc or None} for framed suites."""
    suites, rcs, current = {}, {}, None
    for line in lines:
        m = BEGIN_RE.search(line)
        if m:
            current = m.group(1)
            suites[current] = []
            rcs[current] = None
            continue
        m = END_RE.search(line)
        if m and m.group(1) == current:
            rcs[current] = int(m.group(2))
            current = None
            continue
        if current is not None:
            suites[current].append(line)
    return suites, rcs


def analyze(text, expected=(), timed_out=False, timeout=None, exit_code=0):
    """Judge a console log.

    Returns (suites, boot) where suites maps a suite name to its TAP text
    (with synthetic failures appended for a suite that did not finish) and
    boot is the TAP text of the "boot" suite.
    """
    lines = [clean(l) for l in text.splitlines()]
    suites, rcs = split_suites(lines)
    out = {}
    for name, body in suites.items():
        tap = list(body)
        if rcs[name] is None:
            tap.append('Bail out! suite did not finish (guest died or hung)')
        out[name] = '\n'.join(tap) + '\n'

    checks = []
    reached = any(INIT in l for l in lines) or bool(suites)
    checks.append((reached, 'reached user space (init started)'))
    crashes, in_kdump = [], False
    for l in lines:
        if l.strip() == KDUMP_BEGIN:
            in_kdump = True
        elif l.startswith(KDUMP_END):
            in_kdump = False
        if CRASH_RE.search(l) and not (in_kdump and KDUMP_CRASH_RE.search(l)):
            crashes.append(l)
    checks.append((not crashes, 'no panic, oops, BUG or WARNING on the console' +
                   (f' (first: {crashes[0].strip()[:120]})' if crashes else '')))
    done = any(l.strip() == DONE for l in lines)
    if timed_out:
        checks.append((False, f'finished before the timeout ({timeout}s): timed out'))
    else:
        why = '' if done else f' (QEMU exited with {exit_code} before PVM-DONE)'
        checks.append((done, 'all suites ran and the guest powered off' + why))
    for name in expected:
        checks.append((name in suites, f'suite {name} ran'))
    boot = ['TAP version 13', f'1..{len(checks)}']
    for i, (ok, desc) in enumerate(checks, 1):
        boot.append(f'{"ok" if ok else "not ok"} {i} - {desc}')
    return out, '\n'.join(boot) + '\n'


def tail(text, n=40):
    """The last n console lines, for a failure report."""
    return '\n'.join(clean(l) for l in text.splitlines()[-n:])
