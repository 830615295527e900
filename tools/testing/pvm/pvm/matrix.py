# SPDX-License-Identifier: GPL-2.0
"""The boot matrix: the boots of make check as data (tools/testing/pvm/boots).

A table line is one boot:

    boot NAME GROUP KERNEL MODE SUITES [TOKEN...]

  GROUP   main (make and make check), check (make check), se (make se-boots
          and make check)
  KERNEL  ours | upstream | ours-nopvguest (our tree's .out-nopvguest) |
          se:FILE (an SE image in the --se directory)
  MODE    pv (an emulated PVM) | nonpv | uv (the Ultravisor present, the
          machine not protected; SE images start so)
  SUITES  default | a comma-separated list | - (none: a refusal or a
          freestanding payload)
  TOKEN   an option of "pvm-run boot"; append=TEXT adds TEXT to the kernel
          command line; @NAME expands a "set" line; ${VAR} is a value given
          with --set VAR=VALUE

    set NAME TOKEN...

names a group of tokens (which may use other sets).  Lines are split like a
shell does (quotes keep blanks), "#" starts a comment, a trailing "\\"
continues a line.  Kernel boots get the test initrd and the command line
"console=ttysclp0 pvm.kid=... pvm.expect=pv|nonpv TEXT... pvm.suites=...";
SE images and ours-nopvguest bring their own (append= is refused there).
"""
import os
import re
import shlex

GROUPS = ('main', 'check', 'se')
MODES = ('pv', 'nonpv', 'uv')


class TableError(Exception):
    pass


def _lines(path):
    """Logical lines (continuations joined) with their line numbers."""
    with open(path) as f:
        raw = f.read().split('\n')
    out, buf, start = [], '', 0
    for i, line in enumerate(raw, 1):
        if not buf:
            start = i
        if line.endswith('\\'):
            buf += line[:-1] + ' '
            continue
        buf += line
        if buf.strip() and not buf.lstrip().startswith('#'):
            out.append((start, buf))
        buf = ''
    if buf.strip():
        out.append((start, buf))
    return out


def load(path, variables=None):
    """Parse the table: (sets, boots); boots keep the table's order."""
    variables = variables or {}
    sets, boots, names = {}, [], set()

    def subst(tok, where):
        def var(m):
            if m.group(1) not in variables:
                raise TableError(f'{where}: ${{{m.group(1)}}} is not set (--set)')
            return variables[m.group(1)]
        return re.sub(r'\$\{([A-Za-z_][A-Za-z0-9_]*)\}', var, tok)

    def expand(tokens, where, seen=()):
        out = []
        for tok in tokens:
            if tok.startswith('@'):
                name = tok[1:]
                if name not in sets:
                    raise TableError(f'{where}: unknown set @{name}')
                if name in seen:
                    raise TableError(f'{where}: set @{name} uses itself')
                out += expand(sets[name], where, seen + (name,))
            else:
                out.append(subst(tok, where))
        return out

    for lineno, line in _lines(path):
        where = f'{os.path.basename(path)}:{lineno}'
        try:
            words = shlex.split(line, comments=True)
        except ValueError as e:
            raise TableError(f'{where}: {e}') from e
        if not words:
            continue
        if words[0] == 'set':
            if len(words) < 2 or words[1] in sets:
                raise TableError(f'{where}: "set NAME TOKEN..." (a new NAME)')
            sets[words[1]] = words[2:]
            continue
        if words[0] != 'boot' or len(words) < 6:
            raise TableError(f'{where}: expected "boot NAME GROUP KERNEL MODE SUITES ..."'
                             ' or "set NAME ..."')
        _, name, group, kernel, mode, suites = words[:6]
        suites = subst(suites, where)
        if name in names:
            raise TableError(f'{where}: boot {name} twice')
        if group not in GROUPS:
            raise TableError(f'{where}: group {group} is not one of {", ".join(GROUPS)}')
        if mode not in MODES:
            raise TableError(f'{where}: mode {mode} is not one of {", ".join(MODES)}')
        if not (kernel in ('ours', 'upstream', 'ours-nopvguest') or
                kernel.startswith('se:')):
            raise TableError(f'{where}: kernel {kernel}: ours, upstream, '
                             'ours-nopvguest or se:FILE')
        names.add(name)
        tokens = expand(words[6:], where)
        append = [t[len('append='):] for t in tokens if t.startswith('append=')]
        options = [t for t in tokens if not t.startswith('append=')]
        if append and (kernel == 'ours-nopvguest' or kernel.startswith('se:')):
            raise TableError(f'{where}: {kernel} brings its own command line')
        boots.append({'name': name, 'group': group, 'kernel': kernel, 'mode': mode,
                      'suites': suites, 'append': append, 'options': options,
                      'where': where})
    return sets, boots


def select(boots, groups=None, only=None):
    """The boots of these groups (in table order), or exactly those named."""
    if only:
        known = {b['name']: b for b in boots}
        missing = [n for n in only if n not in known]
        if missing:
            raise TableError(f'no such boot: {", ".join(missing)}')
        return [known[n] for n in only]
    return [b for b in boots if not groups or b['group'] in groups]


def argv(b, ctx):
    """The "pvm-run boot" arguments of one boot.

    ctx: qemu, results, initrd, se (directory of SE images), trees
    (ours/upstream -> tree path), default_suites (list)."""
    args = ['--qemu', ctx['qemu'], '--results', ctx['results'], '--name', b['name']]
    kernel = b['kernel']
    if b['suites'] == 'default':
        suites = list(ctx['default_suites'])
    elif b['suites'] == '-':
        suites = []
    else:
        suites = b['suites'].split(',')
    if kernel.startswith('se:'):
        image = os.path.join(ctx['se'], kernel[3:])
        args += ['--kernel', image]
        # what the image was made with: its header and communication key
        for ext, opt in (('.hdr', '--se-header'), ('.cck', '--se-cck')):
            path = os.path.splitext(image)[0] + ext
            if os.path.exists(path):
                args += [opt, path]
    elif kernel == 'ours-nopvguest':
        args += ['--kernel', os.path.join(ctx['trees']['ours'], '.out-nopvguest',
                                          'arch/s390/boot/bzImage'),
                 '--append', 'console=ttysclp0']
    else:
        tree = ctx['trees'][kernel]
        kid_file = os.path.join(tree, '.out', 'pvm-kid')
        kid = open(kid_file).read().strip() if os.path.exists(kid_file) else 'none'
        expect = 'pv' if b['mode'] == 'pv' else 'nonpv'
        cmdline = [f'console=ttysclp0 pvm.kid={kid} pvm.expect={expect}'] + b['append']
        if suites:
            cmdline.append('pvm.suites=' + ','.join(suites))
        args += ['--kernel', os.path.join(tree, '.out', 'arch/s390/boot/bzImage'),
                 '--initrd', ctx['initrd'], '--append', ' '.join(cmdline)]
    if b['mode'] == 'pv':
        args.append('--pv')
    elif b['mode'] == 'uv':
        args.append('--uv')
    if b['mode'] in ('pv', 'uv') and ctx.get('host_key'):
        args += ['--host-key', ctx['host_key']]
        # the suites that make Ultravisor calls get requests made for them
        if {'kselftest', 'exposure'} & set(suites):
            args.append('--requests')
    for s in suites:
        args += ['--expect-suite', s]
    return args + b['options']
