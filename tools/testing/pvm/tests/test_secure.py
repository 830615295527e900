#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the customer's side of the SE formats (pvm/secure.py) and
of the runner's requests and their host-side verification
(pvm/requests.py).

Prints TAP. IBM's known answers where ../shared/docs/se-formats.md quotes
them; round trips through the host key's side otherwise; and the negative
cases: a verifier that accepts a wrong measurement, a wrong key or the
wrong additional data would make every attested boot a lie.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from pvm import requests, secure  # noqa: E402
from hosttap import check, report  # noqa: E402


def kat_image():
    im = secure.ImageData()
    im.pld, im.ald, im.tld, im.tag = b'\1' * 64, b'\2' * 64, b'\3' * 64, b'\4' * 16
    return im


def perform(rs, name, host_key, user=b'user', cuid=b'\5' * 16, add=None):
    """What the Ultravisor does with attest/NAME.exch, in Python: the
    performed exchange file, printed as the guest prints it."""
    parts = secure.exchange_unpack(rs.files[f'attest/{name}.exch'])
    arcb = parts['arcb']
    nks = arcb[0x27]
    arpk = secure.unseal_slots(host_key, arcb[0x40:0xe0], arcb[0xe0:0xe0 + 80 * nks])
    paf, key, nonce = secure.open_arcb(arcb, arpk)
    if add is None:
        add = b''
        if paf & secure.PAF_IMAGE_PHKH:
            add += rs.image_phkh
        if paf & secure.PAF_ATTEST_PHKH:
            add += secure.phkh(host_key.public_key())
        if paf & secure.PAF_STORE_HASH:
            add += bytes(64)
    meas = secure.measurement(key, rs.image, cuid, user, nonce, add)
    x = secure.exchange_pack({'arcb': arcb, 'meas': meas, 'add': add, 'user': user,
                              'cuid': cuid})
    return ''.join(f'pvm-response: {name} {o} {x[o:o + 64].hex()}\n'
                   for o in range(0, len(x), 64))


def main():
    # IBM's measurement known answers (se-formats.md §3.4)
    im = kat_image()
    m = secure.measurement(b'\x41' * 64, im, b'\5' * 16, b'\7' * 256, b'\x08' * 16,
                           b'\x09' * 128)
    check(m.hex().startswith('88794c62'), 'measurement, IBM known answer "all"')
    m = secure.measurement(b'\x41' * 64, im, b'\5' * 16, b'', None, b'')
    check(m.hex().startswith('c5c34c93'), 'measurement, IBM known answer "minimal"')

    tmp = tempfile.mkdtemp(prefix='pvm-secure-')
    keys = []
    for n in ('host', 'backup'):
        secure.make_host_key(f'{tmp}/{n}.key', f'{tmp}/{n}.crt', n)
        keys.append(secure.load_host_key(f'{tmp}/{n}.key'))
    check(secure.phkh(secure.load_hkd(f'{tmp}/host.crt')) == secure.phkh(keys[0].public_key()),
          'the host-key document holds the host key')

    exch, arpk = secure.attest_request([keys[0].public_key()])
    arcb = secure.exchange_unpack(exch)['arcb']
    check(len(arcb) == 0x190 and len(exch) == 0x1d0,
          'a default request is 0x190 bytes, its exchange file 0x1d0 (as pvattest create)')
    check(secure.unseal_slots(keys[0], arcb[0x40:0xe0], arcb[0xe0:0x130]) == arpk,
          'the host key unseals the ARPK from the key slot')
    check(secure.unseal_slots(keys[1], arcb[0x40:0xe0], arcb[0xe0:0x130]) is None,
          'another host key does not')
    check(secure.plain_value(b'x' * 15) == b'\0\x0f' + b'x' * 15 + bytes(15) and
          len(secure.plain_value(bytes(8190))) == 8192,
          'a plain secret is stored as BE16 length, data, zeros to 16')

    rs = requests.RequestSet([f'{tmp}/host.key', f'{tmp}/backup.key']).build()
    tar = rs.tar(f'{tmp}/r.tar')
    check(os.path.getsize(tar) % 512 == 0 and 'attest/att-foreign.fail-010c.exch' in rs.files
          and 'secrets/01-plain.value' in rs.files and
          not any('arpk' in n for n in rs.files),
          'the request set: a disk image, refusals named, no ARPK in it')
    good = ''.join(perform(rs, n, keys[1] if n == 'att-backup' else keys[0])
                   for n in rs.attest)
    c = rs.verify(good)
    check(c['host-attest-verified'] == len(rs.attest) and c['host-attest-failed'] == 0 and
          c['host-attest-tamper-caught'] == len(rs.attest),
          f'every response the Ultravisor would give verifies ({c})')
    # the first byte of att-nonce's measurement (at 0x1d0 in the file)
    lines = good.split('\n')
    i = lines.index(next(l for l in lines if l.startswith('pvm-response: att-nonce 448 ')))
    h = lines[i].rsplit(' ', 1)
    lines[i] = h[0] + ' ' + h[1][:32] + ('0' if h[1][32] != '0' else '1') + h[1][33:]
    c = rs.verify('\n'.join(lines))
    check(c['host-attest-failed'] == 1 and c['host-attest-verified'] == len(rs.attest) - 1,
          'a changed bit of one measurement is caught')
    c = rs.verify(perform(rs, 'att-phkh', keys[0], add=bytes(64)))
    check(c['host-attest-failed'] == 1 and c['host-attest-missing'] == len(rs.attest) - 1,
          'additional data that names no host key is caught; missing responses are counted')
    c = rs.verify(perform(rs, 'att-nonce', keys[0], cuid=bytes(16)))
    check(c['host-attest-failed'] == 1, 'a zero configuration UID is caught')
    c = rs.verify(perform(rs, 'att-nonce', keys[0]) + perform(rs, 'att-all', keys[0],
                                                              cuid=b'\6' * 16))
    check(c['host-attest-failed'] == 1, 'two configuration UIDs in one boot are caught')
    cli(tmp, keys[0])
    return report()


def cli(tmp, host_key):
    """seimg/pvm-request, the user's tool: a request it makes, performed as
    the Ultravisor would, verifies; a changed bit, another header or other
    user data does not."""
    tool = os.path.join(os.path.dirname(HERE), 'seimg', 'pvm-request')

    def run(*args):
        return subprocess.run([tool, *args], capture_output=True).returncode

    rc = run('attest', '--host-key-document', f'{tmp}/host.crt', '--flags',
             'nonce,attest-phkh', '--arpk', f'{tmp}/arpk', '-o', f'{tmp}/req.exch')
    parts = secure.exchange_unpack(open(f'{tmp}/req.exch', 'rb').read())
    arcb = parts['arcb']
    arpk = secure.unseal_slots(host_key, arcb[0x40:0xe0], arcb[0xe0:0x130])
    check(rc == 0 and arpk == open(f'{tmp}/arpk', 'rb').read(),
          'pvm-request attest: an ARCB the host key opens, and its ARPK')
    hdr = b'IBMSecEx' + os.urandom(0x1a0 + 80 + 0x80 + 16 - 8)
    open(f'{tmp}/image.hdr', 'wb').write(hdr)
    open(f'{tmp}/other.hdr', 'wb').write(hdr[:0xe0] + bytes(64) + hdr[0x120:])
    paf, key, nonce = secure.open_arcb(arcb, arpk)
    add, user, cuid = secure.phkh(host_key.public_key()), b'hello', b'\5' * 16
    meas = secure.measurement(key, secure.ImageData(hdr), cuid, user, nonce, add)
    resp = {'arcb': arcb, 'meas': meas, 'add': add, 'user': user, 'cuid': cuid}
    open(f'{tmp}/resp.exch', 'wb').write(secure.exchange_pack(resp))
    open(f'{tmp}/user', 'wb').write(user)
    base = ('verify', '--arpk', f'{tmp}/arpk', '-i', f'{tmp}/resp.exch')
    check(run(*base, '--hdr', f'{tmp}/image.hdr', '--user-data', f'{tmp}/user') == 0,
          'pvm-request verify: the performed request verifies (exit 0)')
    check(run(*base, '--hdr', f'{tmp}/other.hdr') == 2,
          'pvm-request verify: against another image it fails (exit 2)')
    open(f'{tmp}/user', 'wb').write(b'other')
    check(run(*base, '--hdr', f'{tmp}/image.hdr', '--user-data', f'{tmp}/user') == 2,
          'pvm-request verify: other user data fails (exit 2)')
    resp['meas'] = bytes([meas[0] ^ 0x80]) + meas[1:]
    open(f'{tmp}/resp.exch', 'wb').write(secure.exchange_pack(resp))
    check(run(*base, '--hdr', f'{tmp}/image.hdr') == 2,
          'pvm-request verify: a changed measurement bit fails (exit 2)')
    rc = run('add-secret', '--host-key-document', f'{tmp}/host.crt', '--hdr',
             f'{tmp}/image.hdr', '--plain', f'{tmp}/user', '--id', 'x', '-o', f'{tmp}/s.asrcb')
    req = open(f'{tmp}/s.asrcb', 'rb').read() if rc == 0 else b''
    check(rc == 0 and req[:6] == b'asrcbM' and req[0xf8:0x108] == hdr[-16:] and
          req[0x38:0x78] == hdr[0xe0:0x120],
          'pvm-request add-secret: a request bound to the image\'s digests and tag')
    check(run('add-secret', '--host-key-document', f'{tmp}/host.crt', '--hdr',
              f'{tmp}/image.hdr', '--aes-256', f'{tmp}/user', '--id', 'x',
              '-o', f'{tmp}/t.asrcb') == 1,
          'pvm-request add-secret: a key of the wrong length is refused (exit 1)')


if __name__ == '__main__':
    sys.exit(main())
