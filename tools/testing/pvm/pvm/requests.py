# SPDX-License-Identifier: GPL-2.0
"""Ultravisor requests for one boot, made on the trusted side.

A protected guest cannot make its own attestation or add-secret requests:
they are sealed for the machine's host keys by someone who holds the
secrets (pvattest create, pvsecret create), and an add-secret request is
bound to the SE header of the image it is meant for.  The runner plays that
party: before a boot it writes a set of requests into a tar file that the
guest sees as a disk (serial pvmrequests; init unpacks it to
$PVM_REQUESTS), and after the boot it checks the attestation responses the
guest printed (pvm-response: lines) the way pvattest verify does.

The layout, which the uvdevice kselftest and pvm-canary read:

  attest/NAME.exch        pvattest exchange files (request, sizes); the
                          guest performs each and writes the performed file
                          to $PVM_RESPONSES/NAME.exch
  attest/NAME.fail-RRRR.exch  a request the Ultravisor must refuse with rc
                          0xRRRR (another host key: 0x010c)
  secrets/NN-NAME[.fail-RRRR].asrcb  add-secret requests, added in order;
                          NN-NAME.value is the value sealed in a successful
                          one (a plain secret in its stored form)
  list/NNN.asrcb          small plain secrets: the list spans pages
  fill/NNN.asrcb          more retrievable secrets than the store holds;
  fill-assoc/NNN.asrcb    more association secrets than it holds
  after-lock/NAME.fail-0102.asrcb  what a locked store refuses
  canary/NN.asrcb, canary/att.exch  pvm-canary's plain secrets holding
                          the run's canary (one per boot of a round trip)
                          and its attestation request

Nothing here is secret from the host: the values are test values, the
measurement keys stay with the runner (the ARPKs are not in the tar).
"""
import io
import os
import re
import struct
import tarfile

from . import secure

RESPONSE_RE = re.compile(r'pvm-response: (?P<name>[\w.-]+) (?P<off>\d+) (?P<hex>[0-9a-f]+)\s*$')

# the key types the kselftest adds (type: raw key length)
KEY_TYPES = {0x06: 32, 0x0a: 128, 0x13: 80}
PKEY_KEY_ID = b'uvdevice selftest: pkey key'
LIST_SECRETS = 90          # more than one 4 KiB page of entries (85)
FILL_RETR = 130            # more than the store's 120 retrievable secrets
FILL_ASSOC = 10            # more than its 8 association secrets
CANARY_SECRETS = 3         # a boot, its kexec or reboot, and one to spare


def ascii_id(name):
    """An ID as pvsecret --use-name makes it: the name, NUL-padded."""
    return name.ljust(32, b'\0')


class RequestSet:
    """The requests of one boot and what their responses must show."""

    def __init__(self, host_key_paths, header=None, cck=None, canary=None):
        keys = [secure.load_host_key(p) for p in host_key_paths]
        if not keys:
            raise ValueError('requests need the host keys of the Ultravisor')
        self.pubs = [k.public_key() for k in keys]
        self.hashes = [secure.phkh(p) for p in self.pubs]
        self.image = secure.ImageData(header)
        # an SE image's header was sealed for the first host key; a
        # configuration that start-protected=on made has none
        self.image_phkh = self.hashes[0] if header else bytes(32)
        self.cck = cck
        self.canary = canary
        self.files = {}
        self.attest = {}        # name -> (ARPK, PHKH it was sealed for)
        self.ext = secure.cck_extension(cck, self.image) if cck else bytes(32)

    def _asrcb(self, stype, value=b'', sid=bytes(32), pubs=None, image=None, **kw):
        kw.setdefault('ext', self.ext)
        return secure.make_asrcb(pubs or self.pubs[:1], image or self.image, stype,
                                 value, sid, **kw)

    def _secret(self, name, stype, value, sid, stored=None, **kw):
        self.files[f'secrets/{name}.asrcb'] = self._asrcb(stype, value, sid, **kw)
        if '.fail-' not in name:
            self.files[f'secrets/{name}.value'] = stored if stored is not None else value

    def _att(self, name, paf, pubs):
        exch, arpk = secure.attest_request(pubs, paf)
        self.files[f'attest/{name}.exch'] = exch
        if '.fail-' not in name:
            self.attest[name] = (arpk, secure.phkh(pubs[0]) if len(pubs) == 1 else
                                 self.hashes[0])

    def build(self):
        P = secure
        host, foreign = self.pubs[:1], [secure.Customer(self.pubs).key.public_key()]
        every = P.PAF_NONCE | P.PAF_IMAGE_PHKH | P.PAF_ATTEST_PHKH | P.PAF_STORE_HASH
        self._att('att-nonce', P.PAF_NONCE, host)
        self._att('att-no-nonce', 0, host)
        self._att('att-phkh', P.PAF_NONCE | P.PAF_IMAGE_PHKH | P.PAF_ATTEST_PHKH, host)
        self._att('att-all', every, host)
        if len(self.pubs) > 1:
            self._att('att-backup', every, self.pubs[1:2])
        # the Ultravisor's key in the second slot
        self._att('att-two-slots', every, foreign + host)
        self._att('att-foreign.fail-010c', P.PAF_NONCE, foreign)

        text = b'uvdevice selftest plain secret'
        self._secret('01-plain', P.SECRET_PLAIN, P.plain_value(text),
                     P.secret_id('uvdevice selftest: plain'))
        big = bytes((i * 7 + 1) & 0xff for i in range(8190))
        self._secret('02-plain-max', P.SECRET_PLAIN, P.plain_value(big),
                     P.secret_id('uvdevice selftest: plain max'))
        self._secret('03-association', P.SECRET_ASSOCIATION, os.urandom(32),
                     P.secret_id('uvdevice selftest: association'))
        for i, (stype, n) in enumerate(sorted(KEY_TYPES.items()), 4):
            self._secret(f'{i:02d}-key-{stype:02x}', stype, os.urandom(n),
                         P.secret_id(f'uvdevice selftest: key {stype:#x}'))
        self._secret('07-pkey', 0x06, os.urandom(32), ascii_id(PKEY_KEY_ID))
        # meta: flags only (no dump), never listed
        self._secret('08-meta', P.SECRET_META, b'', bytes(32), stored=b'',
                     flags=P.ASRCB_NO_DUMP)
        plain = P.plain_value(b'refused')
        self._secret('09-duplicate-id.fail-010c', P.SECRET_PLAIN, plain,
                     P.secret_id('uvdevice selftest: plain'))
        other = secure.ImageData()
        other.tag = os.urandom(16)
        self._secret('10-other-image.fail-010c', P.SECRET_PLAIN, plain,
                     P.secret_id('uvdevice selftest: other image'), image=other)
        self._secret('11-other-instance.fail-010c', P.SECRET_PLAIN, plain,
                     P.secret_id('uvdevice selftest: other instance'), cuid=os.urandom(16))
        self._secret('12-extension.fail-010c', P.SECRET_PLAIN, plain,
                     P.secret_id('uvdevice selftest: extension'), ext=os.urandom(32))
        self._secret('13-foreign-key.fail-0108', P.SECRET_PLAIN, plain,
                     P.secret_id('uvdevice selftest: foreign'), pubs=foreign)
        self._secret('14-reserved-type.fail-0109', 0x0b, bytes(32),
                     P.secret_id('uvdevice selftest: type 0xb'))
        self._secret('15-key-length.fail-010a', 0x06, bytes(20),
                     P.secret_id('uvdevice selftest: short key'))
        self._secret('16-flags.fail-0107', P.SECRET_PLAIN, plain,
                     P.secret_id('uvdevice selftest: flags'), flags=1 << 62)

        for i in range(LIST_SECRETS):
            self.files[f'list/{i:03d}.asrcb'] = self._asrcb(
                P.SECRET_PLAIN, P.plain_value(b'list %d' % i),
                P.secret_id(f'uvdevice selftest: list {i}'))
        for i in range(FILL_RETR):
            self.files[f'fill/{i:03d}.asrcb'] = self._asrcb(
                P.SECRET_PLAIN, P.plain_value(b'fill %d' % i),
                P.secret_id(f'uvdevice selftest: fill {i}'))
        for i in range(FILL_ASSOC):
            self.files[f'fill-assoc/{i:03d}.asrcb'] = self._asrcb(
                P.SECRET_ASSOCIATION, os.urandom(32),
                P.secret_id(f'uvdevice selftest: fill association {i}'))
        self.files['after-lock/after-lock.fail-0102.asrcb'] = self._asrcb(
            P.SECRET_PLAIN, plain, P.secret_id('uvdevice selftest: after lock'))

        if self.canary:
            value = self.canary.encode() * (254 // len(self.canary))
            for i in range(CANARY_SECRETS):
                self.files[f'canary/{i:02d}.asrcb'] = self._asrcb(
                    P.SECRET_PLAIN, P.plain_value(value), P.secret_id(f'pvm-canary {i}'))
            self.files['canary/att.exch'], _ = P.attest_request(host, P.PAF_NONCE)
        return self

    def tar(self, path):
        """The set as a tar file padded to whole sectors (a raw disk)."""
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as t:
            for name in sorted(self.files):
                info = tarfile.TarInfo(name)
                info.size = len(self.files[name])
                info.mode = 0o644
                t.addfile(info, io.BytesIO(self.files[name]))
        data = buf.getvalue()
        with open(path, 'wb') as f:
            f.write(data + bytes(-len(data) % 512))
        return path

    def check_add(self, name, add):
        """Why the additional data of a response is wrong, or None."""
        arcb = secure.exchange_unpack(self.files[f'attest/{name}.exch'])['arcb']
        paf, = struct.unpack_from('>Q', arcb, 0x30)
        _, sealed_for = self.attest[name]
        off = 0
        for bit, n, want in ((secure.PAF_IMAGE_PHKH, 32, self.image_phkh),
                             (secure.PAF_ATTEST_PHKH, 32, sealed_for),
                             (secure.PAF_STORE_HASH, 64, None)):
            if not paf & bit:
                continue
            if want is not None and add[off:off + n] != want:
                return f'additional data at {off}: {add[off:off + n].hex()}, want {want.hex()}'
            off += n
        return None

    def verify(self, console_text):
        """Counters host-attest-*: the responses the guest printed, checked
        host-side (measurement, additional data, one CUID per boot), and a
        tampered copy of each, which the check must refuse."""
        parts = {}
        for line in console_text.splitlines():
            m = RESPONSE_RE.search(line.strip())
            if m:
                parts.setdefault(m['name'], {})[int(m['off'])] = bytes.fromhex(m['hex'])
        c = {'host-attest-verified': 0, 'host-attest-failed': 0, 'host-attest-missing': 0,
             'host-attest-tamper-caught': 0}
        cuids = set()
        self.failures = []
        for name, (arpk, _) in sorted(self.attest.items()):
            if name not in parts:
                c['host-attest-missing'] += 1
                continue
            exch = b''.join(parts[name][k] for k in sorted(parts[name]))
            why = secure.attest_verify(exch, arpk, self.image)
            if why is None:
                resp = secure.exchange_unpack(exch)
                why = self.check_add(name, resp['add'])
                cuids.add(resp['cuid'])
                if why is None and resp['cuid'] == bytes(16):
                    why = 'the configuration UID is zero'
            if why:
                c['host-attest-failed'] += 1
                self.failures.append(f'{name}: {why}')
                continue
            c['host-attest-verified'] += 1
            # the negative case: one bit of the measurement flipped
            resp = secure.exchange_unpack(exch)
            resp['meas'] = bytes([resp['meas'][0] ^ 1]) + resp['meas'][1:]
            if secure.attest_verify(secure.exchange_pack(resp), arpk, self.image):
                c['host-attest-tamper-caught'] += 1
        if len(cuids) > 1:
            c['host-attest-failed'] += 1
            self.failures.append(f'{len(cuids)} configuration UIDs in one boot')
        return c


# ---- the emulator's payload tests (qemu/tests/attest.c) ---------------------

BLOB_MAGIC = b'PVMREQS1'
BLOB_ENTRY = 48


def payload_requests(host_key_paths):
    """name -> bytes: the requests qemu/tests/attest.c takes, for a
    configuration that start-protected=on made (no SE header)."""
    P = secure
    rs = RequestSet(host_key_paths)
    host = rs.pubs[:1]
    foreign = [secure.Customer(rs.pubs).key.public_key()]
    out = {}

    def att(name, paf, pubs):
        out[name] = P.make_arcb(pubs, paf)[0]

    def sec(name, stype, value, sid, **kw):
        out[name] = rs._asrcb(stype, value, P.secret_id(sid), **kw)
        out[name + '.value'] = value

    att('att-nonce', P.PAF_NONCE, host)
    att('att-all', P.PAF_NONCE | P.PAF_IMAGE_PHKH | P.PAF_ATTEST_PHKH | P.PAF_STORE_HASH, host)
    if len(rs.pubs) > 1:
        att('att-backup', P.PAF_IMAGE_PHKH | P.PAF_ATTEST_PHKH, rs.pubs[1:2])
    att('att-two', 0, foreign + host)
    att('att-foreign', P.PAF_NONCE, foreign)
    sec('sec-plain', P.SECRET_PLAIN, P.plain_value(bytes(range(3, 17))), 'plain')
    sec('sec-assoc', P.SECRET_ASSOCIATION, os.urandom(32), 'assoc')
    sec('sec-assoc2', P.SECRET_ASSOCIATION, os.urandom(32), 'assoc 2')
    sec('sec-plain-max', P.SECRET_PLAIN,
        P.plain_value(bytes((i * 5 + 3) & 0xff for i in range(8190))), 'plain max')
    sec('sec-aes256', 0x06, os.urandom(32), 'aes256')
    sec('sec-aes128', 0x04, os.urandom(16), 'aes128')
    sec('sec-p521', 0x13, bytes(14) + os.urandom(66), 'p521')
    sec('sec-meta', P.SECRET_META, b'', '', flags=P.ASRCB_NO_DUMP)
    plain = P.plain_value(b'refused')
    sec('sec-dup', P.SECRET_PLAIN, plain, 'plain')
    other = secure.ImageData()
    other.tag = os.urandom(16)
    sec('sec-other-image', P.SECRET_PLAIN, plain, 'other image', image=other)
    sec('sec-other-cuid', P.SECRET_PLAIN, plain, 'other cuid', cuid=os.urandom(16))
    sec('sec-ext', P.SECRET_PLAIN, plain, 'ext', ext=os.urandom(32))
    sec('sec-foreign', P.SECRET_PLAIN, plain, 'foreign', pubs=foreign)
    sec('sec-reserved', 0x0b, bytes(16), 'reserved')
    sec('sec-update-cck', 0x16, bytes(32), 'update cck')
    sec('sec-aes128-17', 0x04, bytes(17), 'aes128 17')
    sec('sec-assoc-16', P.SECRET_ASSOCIATION, bytes(16), 'assoc 16')
    sec('sec-plain-bad', P.SECRET_PLAIN, bytes([0, 15]) + bytes(15), 'plain bad')
    for i in range(FILL_ASSOC):
        sec(f'fill-a-{i:03d}', P.SECRET_ASSOCIATION, os.urandom(32), f'fill a {i}')
    for i in range(210):
        sec(f'fill-r-{i:03d}', P.SECRET_PLAIN, P.plain_value(b'fill-'), f'fill r {i}')
    sec('lock-after', P.SECRET_PLAIN, plain, 'lock after')
    return out


def payload_blob(host_key_paths, path):
    """The requests as the payload finds them in memory: "PVMREQS1", a
    count, entries (name[32], offset, length, 8 reserved), the data."""
    reqs = payload_requests(host_key_paths)
    names = sorted(reqs)
    off = 16 + BLOB_ENTRY * len(names)
    head, body = BLOB_MAGIC + struct.pack('>II', len(names), 0), b''
    for n in names:
        data = reqs[n] + bytes(-len(reqs[n]) % 8)
        head += n.encode().ljust(32, b'\0') + struct.pack('>IIQ', off + len(body),
                                                          len(reqs[n]), 0)
        body += data
    with open(path, 'wb') as f:
        f.write(head + body)
    return path
