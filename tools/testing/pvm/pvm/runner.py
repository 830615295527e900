# SPDX-License-Identifier: GPL-2.0
"""Boot a kernel (or a freestanding payload) under qemu-system-s390x.

Every boot writes, into the results directory:
  <run>.console.log   what the guest printed (SCLP console)
  <run>.stderr.log    what QEMU printed on stderr
  <run>.<suite>.tap   one TAP file per suite, plus <run>.boot.tap
  <run>.counters      the emulator's counter line (protected boots)

Every boot with the emulated Ultravisor plants a canary: 16 printable bytes
derived from the run name, given to the emulator (canary=HEX, which looks
for it wherever the host can read guest memory) and to the guest
(pvm.canary=, which the exposure suite plants in memory the host must never
see; the kernel command line holds it too, also as the value of an unknown
option and as a value printk.time= refuses, which the kernel must not log).  The runner itself counts the
canary on the console the host reads (host-exposed-console).
"""
import hashlib
import os
import re
import shlex
import subprocess
import tempfile

from . import console

COUNTER_RE = re.compile(r'^s390-pv-guest: (?P<kv>(?:\S+=\S+\s*)+)$')
# What init prints of the guest's own counters; they become guest-NAME.
GUEST_COUNTER_RE = re.compile(r'pvm-guest-counters: (?P<kv>(?:\S+=\S+\s*)+)$')


CANARY_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'


def canary_for(name):
    """The run's canary: 16 printable bytes (no blank, no '#'), from the name."""
    digest = hashlib.sha256(('pvm-canary:' + name).encode()).digest()
    return 'PVMc' + ''.join(CANARY_CHARS[b % len(CANARY_CHARS)] for b in digest[:12])


def plants_canary(args):
    """Does this boot plant a canary?  A kernel boot with the Ultravisor and
    a command line (an SE image carries its own, sealed)."""
    return (args.pv or args.uv) and not args.raw and args.append is not None and \
        not getattr(args, 'no_canary', False)


def padded_copy(src, dst):
    """Copy src to dst padded with zeros to whole 512-byte sectors."""
    with open(src, 'rb') as f:
        data = f.read()
    with open(dst, 'wb') as f:
        f.write(data + b'\0' * (-len(data) % 512))
    return dst


def qemu_command(args, scratch, images=()):
    """The QEMU command line for a kernel boot.

    images: (serial, path) of read-only disks to attach (kexec images)."""
    cmd = [args.qemu, '-M', 's390-ccw-virtio', '-accel', 'tcg',
           '-m', str(args.memory), '-smp', str(args.smp),
           '-nographic'] + ([] if getattr(args, 'allow_reboot', False) else ['-no-reboot']) + \
          ['-kernel', args.kernel]
    if args.initrd:
        cmd += ['-initrd', args.initrd]
    canary = canary_for(args.name) if plants_canary(args) else None
    if args.append is not None:
        append = args.append
        if canary:
            # the canary as a value of an unknown option (passed to init)
            # and as a value a known parameter refuses: neither may reach
            # the console of a protected guest
            append = (append + f' pvm.canary={canary} pvmcanary={canary}'
                      f' printk.time={canary}').strip()
        cmd += ['-append', append]
    if scratch:
        cmd += ['-drive', f'file={scratch},if=none,id=scratch,format=raw,cache=unsafe',
                '-device', 'virtio-blk-ccw,drive=scratch,serial=pvmscratch,iommu_platform=on']
        # two NICs on one hub: what one sends, the other receives
        for nic in ('net0', 'net1'):
            cmd += ['-netdev', f'hubport,id={nic},hubid=0',
                    '-device', f'virtio-net-ccw,netdev={nic},iommu_platform=on']
    for serial, path in images:
        cmd += ['-drive', f'file={path},if=none,id={serial},format=raw,readonly=on',
                '-device', f'virtio-blk-ccw,drive={serial},serial={serial},iommu_platform=on']
    if args.pv or args.uv:
        start = ['start-protected=on'] if args.pv else []
        plant = [f'canary={canary.encode().hex()}'] if canary else []
        keys = [] if getattr(args, 'no_host_key', False) or not getattr(args, 'host_key', None) \
            else [f'host-key={args.host_key}']
        opts = ','.join(['s390-pv-guest', 'id=pv0'] + start + plant + keys + args.pv_opt)
        cmd += ['-object', opts, '-machine', 'confidential-guest-support=pv0']
    for extra in args.qemu_arg:
        cmd += shlex.split(extra)
    return cmd


def parse_counters(stderr_text, console_text=''):
    """The emulator's counters, and the guest's as guest-NAME, as a dict."""
    counters = {}
    for line in stderr_text.splitlines():
        m = COUNTER_RE.match(line.strip())
        if m:
            for kv in m['kv'].split():
                k, _, v = kv.partition('=')
                counters[k] = v
    for line in console_text.splitlines():
        m = GUEST_COUNTER_RE.search(line.strip())
        if m:
            for kv in m['kv'].split():
                k, _, v = kv.partition('=')
                counters['guest-' + k] = v
    return counters


def counter_tap(counters, expectations):
    """TAP for --expect-counter NAME=VALUE / NAME<=VALUE / NAME=OTHER checks.

    The right side is a number or the name of another counter (for example
    guest-shared-pages=shared-now: the guest's count agrees with the
    emulator's)."""
    lines = ['TAP version 13', f'1..{len(expectations)}']
    for i, exp in enumerate(expectations, 1):
        m = re.match(r'^([\w-]+)(<=|>=|=)(\d+|[a-z][\w-]*)$', exp)
        if not m:
            lines.append(f'not ok {i} - bad expectation {exp!r}')
            continue
        name, op, want = m[1], m[2], m[3]
        if not want.isdigit():
            other = counters.get(want)
            if other is None:
                lines.append(f'not ok {i} - counter {name} {op} {want} # no counter {want}')
                continue
            want = f'{int(other, 0)} ({m[3]})'
            wantv = int(other, 0)
        else:
            wantv = int(want)
        have = counters.get(name)
        if have is None:
            lines.append(f'not ok {i} - counter {name} {op} {want} # no such counter')
            continue
        have = int(have, 0)
        ok = {'=': have == wantv, '<=': have <= wantv, '>=': have >= wantv}[op]
        lines.append(f'{"ok" if ok else "not ok"} {i} - counter {name} {op} {want}'
                     f' (is {have})')
    return '\n'.join(lines) + '\n'


def run_qemu(cmd, timeout):
    """Run QEMU; return (stdout, stderr, exit code, timed out)."""
    with subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            # SIGTERM first: QEMU then still prints the emulator's counters
            proc.terminate()
            try:
                out, err = proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            timed_out = True
    return (out.decode(errors='replace'), err.decode(errors='replace'),
            proc.returncode, timed_out)


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)


def make_requests(args):
    """The boot's Ultravisor requests (pvm/requests.py), sealed for its host
    keys and bound to its image (an SE header, or none)."""
    from . import requests      # python3-cryptography, only here
    if not args.host_key:
        raise SystemExit('pvm-run: --requests needs --host-key')
    read = lambda p: open(p, 'rb').read() if p else None
    return requests.RequestSet([k for k in args.host_key.split(':') if k],
                               header=read(args.se_header), cck=read(args.se_cck),
                               canary=canary_for(args.name) if plants_canary(args) else
                               None).build()


def boot(args):
    """Boot once and store the results; return True if every check passed."""
    os.makedirs(args.results, exist_ok=True)
    base = os.path.join(args.results, args.name)
    for old in os.listdir(args.results):
        if old.startswith(args.name + '.'):
            os.unlink(os.path.join(args.results, old))
    scratch = None
    with tempfile.TemporaryDirectory(prefix='pvm-') as tmp:
        if args.scratch_mib:
            scratch = os.path.join(tmp, 'scratch.img')
            with open(scratch, 'wb') as f:
                f.truncate(args.scratch_mib << 20)
        images = []
        requests = None
        if getattr(args, 'requests', False):
            requests = make_requests(args)
            images.append(('pvmrequests', requests.tar(os.path.join(tmp, 'requests.tar'))))
        if getattr(args, 'kexec_images', False):
            images += [('pvmkernel', padded_copy(args.kernel, os.path.join(tmp, 'kernel.img'))),
                      ('pvminitrd', padded_copy(args.initrd, os.path.join(tmp, 'initrd.img')))]
        cmd = qemu_command(args, scratch, images)
        write(base + '.cmdline', shlex.join(cmd) + '\n')
        out, err, code, timed_out = run_qemu(cmd, args.timeout)
    write(base + '.console.log', out)
    write(base + '.stderr.log', err)
    counters = parse_counters(err, out)
    if requests:
        counters.update({k: str(v) for k, v in requests.verify(out).items()})
        write(base + '.attest.log', ''.join(f + '\n' for f in requests.failures))
    if plants_canary(args):
        # what the host reads on the guest's console
        counters['host-exposed-console'] = str(out.count(canary_for(args.name)))
    if counters:
        write(base + '.counters', ' '.join(f'{k}={v}' for k, v in counters.items()) + '\n')
    if args.expect_counter:
        write(base + '.counters.tap', counter_tap(counters, args.expect_counter))

    if args.raw:
        # A freestanding payload: its whole console is one TAP document.
        tap = '\n'.join(console.clean(l) for l in out.splitlines()) + '\n'
        if timed_out:
            tap += f'Bail out! timed out after {args.timeout}s\n'
        write(base + '.tap', tap)
        return not timed_out
    if args.expect_refusal:
        # A kernel that must refuse to run: the message, and no user space.
        lines = [console.clean(l) for l in out.splitlines()]
        seen = [l for l in lines if re.search(args.expect_refusal, l)]
        init = any(console.INIT in l for l in lines)
        tap = ['TAP version 13', '1..2',
               f'{"ok" if seen else "not ok"} 1 - kernel refuses with'
               f' /{args.expect_refusal}/' + (f': {seen[0].strip()}' if seen else ''),
               f'{"not ok" if init else "ok"} 2 - user space was not started']
        write(base + '.boot.tap', '\n'.join(tap) + '\n')
        return bool(seen) and not init
    if args.expect_console:
        # messages the kernel must print (for example how it handled a
        # hostile host); reported as the <run>.messages suite
        lines = [console.clean(l) for l in out.splitlines()]
        tap = ['TAP version 13', f'1..{len(args.expect_console)}']
        for i, rx in enumerate(args.expect_console, 1):
            seen = [l.strip() for l in lines if re.search(rx, l)]
            tap.append(f'{"ok" if seen else "not ok"} {i} - the console shows /{rx}/' +
                       (f': {seen[0][:120]}' if seen else ''))
        write(base + '.messages.tap', '\n'.join(tap) + '\n')
    suites, boot_tap = console.analyze(out, expected=args.expect_suite,
                                       timed_out=timed_out, timeout=args.timeout,
                                       exit_code=code)
    for name, tap in suites.items():
        write(f'{base}.{name}.tap', tap)
    write(base + '.boot.tap', boot_tap)
    return 'not ok' not in boot_tap
