#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the boot table (pvm/matrix.py) and of the table itself.

Prints TAP. The real table must load and give what the Makefile relies
on; broken tables must be refused with the line that is wrong.
"""
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from pvm import matrix  # noqa: E402
from hosttap import check, report  # noqa: E402

TABLE = os.path.join(os.path.dirname(HERE), 'boots')
VARS = {'PV_FACILITIES': '80c0000f60000000', 'PV_FACILITIES_NOSECRETS': '1',
        'PV_FACILITIES_NORETRIEVE': '2', 'SE_SUITES': 'smoke,blk,kselftest'}
CTX = {'qemu': 'q', 'results': 'r', 'initrd': 'i', 'se': 'se',
       'trees': {'ours': 'o', 'upstream': 'u'}, 'default_suites': ['smoke', 'blk']}


def refused(text, what):
    """A table made of text must raise TableError naming its line."""
    with tempfile.NamedTemporaryFile('w', suffix='.boots', delete=False) as f:
        f.write(text)
    try:
        matrix.load(f.name, VARS)
    except matrix.TableError as e:
        check(':' in str(e), f'refused: {what} ({e})')
        return
    finally:
        os.unlink(f.name)
    check(False, f'refused: {what} (it was accepted)')


def main():
    _, boots = matrix.load(TABLE, VARS)
    names = [b['name'] for b in boots]
    check([b['name'] for b in matrix.select(boots, ['main'])] == ['ours-pv', 'ours-nonpv'],
          'the main group is ours-pv and ours-nonpv ("make")')
    check(len(names) >= 30, f'the table has every boot of make check ({len(names)})')
    args = {b['name']: matrix.argv(b, CTX) for b in boots}
    pv = args['ours-pv']
    check('--pv' in pv and 'pvm.facilities=80c0000f60000000' in ' '.join(pv) and
          pv.count('--expect-suite') == 2,
          'ours-pv: protected, the facilities in its command line, the default suites')
    check(all('violations=0' in a for n, a in args.items()
              if n.startswith('ours-pv') and '--expect-refusal' not in a and
              n != 'ours-pv-negative'),
          'every protected boot of ours that runs asserts violations=0')
    check(all('--expect-refusal' in args[n] for n in ('ours-pv-nounshare', 'ours-pv-noshare',
                                                      'ours-nopvguest-pv')),
          'the fail-closed and nopvguest boots expect a refusal')
    se = args['ours-se']
    check('--initrd' not in se and '--append' not in se and '--uv' in se,
          'an SE image brings its own initrd and command line, and starts unprotected')
    refused('boot a check ours pv default @nosuchset\n', 'an unknown set')
    refused('boot a check ours pv default append=x=${NOSUCHVAR}\n', 'an unknown variable')
    refused('boot a check ours pv default\nboot a check ours pv default\n', 'a boot twice')
    refused('boot a check se:x.img uv - append=x=1\n', 'append= on an SE image')
    refused('boot a nosuchgroup ours pv default\n', 'an unknown group')
    refused('set x @x\nboot a check ours pv default @x\n', 'a set that uses itself')
    refused('boot a check ours pv\n', 'a short line')
    try:
        matrix.select(boots, only=['no-such-boot'])
        check(False, 'selecting an unknown boot is refused (it was accepted)')
    except matrix.TableError:
        check(True, 'selecting an unknown boot is refused')

    return report()


if __name__ == '__main__':
    sys.exit(main())
