# SPDX-License-Identifier: GPL-2.0
"""IBM Secure Execution formats, the customer's side: host keys and host-key
documents, key slots, sealed requests, SE header digests.

The primitives (../shared/docs/se-formats.md §0): ECDH on P-521, the key
slot's AES-256-GCM key K = SHA-256(Z || 00000001), 80-byte big-endian
coordinates, the public host-key hash (PHKH) = SHA-256 of the 160-byte
encoding.  The emulated Ultravisor implements the other side with
OpenSSL (qemu/hw/s390x/pv-tcg/crypto.c); this module uses Python's
cryptography package, so each side checks the other.
"""
import datetime
import hashlib
import os
import struct

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

COORD = 80          # bytes of a coordinate in the formats
KEY_SLOT_LEN = 80
TAG_LEN = 16
PAGE = 4096


def pub_coords(pub):
    """The 160-byte encoding of an EC P-521 public key."""
    n = pub.public_numbers()
    return n.x.to_bytes(COORD, 'big') + n.y.to_bytes(COORD, 'big')


def phkh(pub):
    """Public host-key hash."""
    return hashlib.sha256(pub_coords(pub)).digest()


def load_hkd(path):
    """The public key of a host-key document (an X.509 certificate, PEM or
    DER): it must be EC P-521, as IBM's tools require."""
    data = open(path, 'rb').read()
    try:
        cert = x509.load_pem_x509_certificate(data)
    except ValueError:
        cert = x509.load_der_x509_certificate(data)
    pub = cert.public_key()
    if not isinstance(pub, ec.EllipticCurvePublicKey) or pub.curve.name != 'secp521r1':
        raise ValueError(f'{path}: the host key is not EC P-521')
    return pub


def load_host_key(path):
    """A host key pair (PEM private key), as the emulator's host-key=."""
    key = serialization.load_pem_private_key(open(path, 'rb').read(), None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != 'secp521r1':
        raise ValueError(f'{path}: not an EC P-521 private key')
    return key


def make_host_key(key_path, cert_path, name):
    """A test host key pair and its host-key document: a self-signed X.509
    certificate with what IBM's tools read (an EC P-521 key; key usage key
    agreement and key identifiers as IBM's documents have), usable with
    their --no-verify."""
    key = ec.generate_private_key(ec.SECP521R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, 'XX'),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'pvguest'),
        x509.NameAttribute(NameOID.COMMON_NAME, name),
    ])
    now = datetime.datetime(2020, 1, 1)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=365 * 30))
            .add_extension(x509.KeyUsage(False, False, False, False, True,
                                         False, False, False, False), critical=True)
            .add_extension(ski, critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                           critical=False)
            .sign(key, hashes.SHA512()))
    old = os.umask(0o077)
    try:
        with open(key_path, 'wb') as f:
            f.write(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    finally:
        os.umask(old)
    with open(cert_path, 'wb') as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


def exchange_key(priv, pub):
    """K of a key slot: SHA-256 of the 66-byte ECDH secret and 00000001."""
    z = priv.exchange(ec.ECDH(), pub)
    return hashlib.sha256(z + b'\0\0\0\1').digest()


class Customer:
    """The customer side of one image or request: a fresh P-521 key pair and
    a protection key, wrapped in one key slot per host key."""

    def __init__(self, host_pubs, prot_key=None):
        if not host_pubs:
            raise ValueError('no host-key document')
        self.key = ec.generate_private_key(ec.SECP521R1())
        self.prot_key = prot_key or os.urandom(32)
        self.host_pubs = host_pubs

    def public(self):
        return pub_coords(self.key.public_key())

    def key_slots(self):
        out = b''
        for pub in self.host_pubs:
            k = exchange_key(self.key, pub)
            sealed = AESGCM(k).encrypt(bytes(12), self.prot_key, None)
            out += phkh(pub) + sealed
        return out


def gcm_seal(key, iv, aad, plain):
    """Ciphertext and 16-byte tag."""
    return AESGCM(key).encrypt(iv, plain, aad)


def gcm_open(key, iv, aad, sealed):
    """The plaintext of ciphertext || tag; raises if the tag is wrong."""
    return AESGCM(key).decrypt(iv, sealed, aad)


def unseal_slots(host_key, cust_pub_coords, slots):
    """The protection key a host key pair finds in @slots (the
    Ultravisor's side, for the host-side checks), or None."""
    x = int.from_bytes(cust_pub_coords[:COORD], 'big')
    y = int.from_bytes(cust_pub_coords[COORD:], 'big')
    cust = ec.EllipticCurvePublicNumbers(x, y, ec.SECP521R1()).public_key()
    want = phkh(host_key.public_key())
    for i in range(0, len(slots), KEY_SLOT_LEN):
        slot = slots[i:i + KEY_SLOT_LEN]
        if slot[:32] == want:
            try:
                return AESGCM(exchange_key(host_key, cust)).decrypt(bytes(12), slot[32:], None)
            except Exception:       # InvalidTag: try the next slot
                continue
    return None


def xts(key, tweak, data, encrypt=True):
    """AES-256-XTS of one page with a 64-byte key and a 16-byte tweak."""
    c = Cipher(algorithms.AES(key), modes.XTS(tweak))
    op = c.encryptor() if encrypt else c.decryptor()
    return op.update(data) + op.finalize()


# ---- the SE header, as requests and verifiers need it ----------------------

HDR_PLD, HDR_ALD, HDR_TLD = 0xe0, 0x120, 0x160


class ImageData:
    """What requests bind to and measurements cover: the SE header's PLD, ALD,
    TLD and tag.  Without a header (a configuration that start-protected=on
    made) all of them are zero."""

    def __init__(self, header=None):
        if header is None:
            self.pld = self.ald = self.tld = bytes(64)
            self.tag = bytes(16)
            return
        if header[:8] != b'IBMSecEx':
            raise ValueError('not an SE header')
        self.pld = header[HDR_PLD:HDR_PLD + 64]
        self.ald = header[HDR_ALD:HDR_ALD + 64]
        self.tld = header[HDR_TLD:HDR_TLD + 64]
        self.tag = header[-16:]

    @classmethod
    def load(cls, path):
        return cls(open(path, 'rb').read() if path else None)


def request_header(magic, rql, iv, nks, sea):
    """The 0x30-byte header that ARCBs and add-secret requests share."""
    return (magic.ljust(8, b'\0') + struct.pack('>II', 0x100, rql) + iv +
            bytes(11) + bytes([nks]) + bytes(4) + struct.pack('>I', sea))


# ---- attestation (../shared/docs/se-formats.md §3) ------------------------

PAF_NONCE = 1 << 62
PAF_IMAGE_PHKH = 1 << 61
PAF_ATTEST_PHKH = 1 << 60
PAF_STORE_HASH = 1 << 59
PAF_ADD_SIZES = ((PAF_IMAGE_PHKH, 32), (PAF_ATTEST_PHKH, 32), (PAF_STORE_HASH, 64))


def add_data_len(paf):
    return sum(n for bit, n in PAF_ADD_SIZES if paf & bit)


def make_arcb(host_pubs, paf=PAF_NONCE, meas_key=None, nonce=None):
    """An ARCB version 1 sealed for @host_pubs: (request, ARPK)."""
    c = Customer(host_pubs)
    meas_key = meas_key or os.urandom(64)
    secret = meas_key + ((nonce or os.urandom(16)) if paf & PAF_NONCE else b'')
    nks = len(host_pubs)
    rql = 0xe0 + KEY_SLOT_LEN * nks + len(secret) + TAG_LEN
    iv = os.urandom(12)
    aad = (request_header(b'', rql, iv, nks, len(secret)) +
           struct.pack('>QI4x', paf, 1) + c.public() + c.key_slots())
    return aad + gcm_seal(c.prot_key, iv, aad, secret), c.prot_key


def open_arcb(arcb, arpk):
    """(PAF, measurement key, nonce or None) of an ARCB, opened with its
    ARPK, as pvattest verify does; raises if the tag is wrong."""
    rql, = struct.unpack_from('>I', arcb, 0x0c)
    sea, = struct.unpack_from('>I', arcb, 0x2c)
    paf, = struct.unpack_from('>Q', arcb, 0x30)
    aad_len = rql - sea - TAG_LEN
    plain = gcm_open(arpk, arcb[0x10:0x1c], arcb[:aad_len], arcb[aad_len:rql])
    return paf, plain[:64], plain[64:80] if paf & PAF_NONCE else None


def measurement(meas_key, image, cuid, user, nonce, add):
    """HMAC-SHA512 over exactly what the Ultravisor measures."""
    import hmac
    msg = (image.pld + image.ald + image.tld + image.tag + cuid +
           struct.pack('>HHI', len(user), 0, len(add)) + user + (nonce or b'') + add)
    return hmac.new(meas_key, msg, hashlib.sha512).digest()


# pvattest's exchange file: "pvattest", version, size, then five entries
# (size, offset): ARCB, measurement, additional data, user data, CUID.
EXCH_MAGIC = b'pvattest'
EXCH_HDR = 0x40
EXCH_NAMES = ('arcb', 'meas', 'add', 'user', 'cuid')


def exchange_pack(parts, sizes=None):
    """An exchange file of @parts (name -> bytes); @sizes names entries that
    have no data yet but a size (what the Ultravisor call needs)."""
    sizes = sizes or {}
    body, entries, off = b'', b'', EXCH_HDR
    for name in EXCH_NAMES:
        data = parts.get(name, b'')
        if data:
            entries += struct.pack('>II', len(data), off)
            body += data
            off += len(data)
        else:
            entries += struct.pack('>II', sizes.get(name, 0), 0)
    return (EXCH_MAGIC + struct.pack('>II', 0x100, EXCH_HDR + len(body)) + bytes(8) +
            entries + body)


def exchange_unpack(data):
    """name -> bytes of an exchange file (entries without data: b'')."""
    if data[:8] != EXCH_MAGIC:
        raise ValueError('not a pvattest exchange file')
    out = {}
    for i, name in enumerate(EXCH_NAMES):
        size, off = struct.unpack_from('>II', data, 0x18 + 8 * i)
        out[name] = data[off:off + size] if off else b''
    return out


def attest_request(host_pubs, paf=PAF_NONCE):
    """(exchange file, ARPK) as pvattest create makes them."""
    arcb, arpk = make_arcb(host_pubs, paf)
    return exchange_pack({'arcb': arcb}, {'meas': 64, 'add': add_data_len(paf)}), arpk


def attest_verify(exch, arpk, image):
    """Check a performed exchange file as pvattest verify does: None if the
    measurement is right, else why not."""
    try:
        parts = exchange_unpack(exch)
        paf, key, nonce = open_arcb(parts['arcb'], arpk)
    except Exception as e:      # a malformed file, a wrong ARPK
        return f'cannot open the request: {e}'
    if len(parts['cuid']) != 16 or len(parts['meas']) != 64:
        return 'no measurement or configuration UID'
    if len(parts['add']) != add_data_len(paf):
        return f'additional data of {len(parts["add"])} bytes, want {add_data_len(paf)}'
    want = measurement(key, image, parts['cuid'], parts['user'], nonce, parts['add'])
    if want != parts['meas']:
        return 'calculated and received attestation measurement are not equal'
    return None


# ---- add-secret requests (../shared/docs/se-formats.md §4) ----------------

SECRET_META, SECRET_ASSOCIATION, SECRET_PLAIN = 1, 2, 3
ASRCB_NO_DUMP = 1 << 63
CCK_EXT_INFO = b'IBM Z Ultravisor Add-Secret'


def secret_id(name):
    """SHA-256 of the name, as pvsecret's default."""
    return hashlib.sha256(name.encode()).digest()


def plain_value(data):
    """The stored form of a plain secret: BE16 length, data, zeros to 16."""
    v = struct.pack('>H', len(data)) + data
    return v + bytes(-len(v) % 16)


def cck_extension(cck, image):
    """The extension secret an image with secret control flag bit 1 wants."""
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    return HKDF(hashes.SHA512(), 32, image.tag, CCK_EXT_INFO).derive(cck)


def make_asrcb(host_pubs, image, stype, value=b'', sid=bytes(32), cuid=bytes(16),
               flags=0, ext=bytes(32)):
    """An add-secret request version 1 sealed for @host_pubs, bound to
    @image (and to @cuid unless zero)."""
    c = Customer(host_pubs)
    nks = len(host_pubs)
    if stype == SECRET_META:
        shdr = struct.pack('>HHIQ', 0, SECRET_META, 0, 0)
    else:
        shdr = struct.pack('>HHIQ', 0, stype, len(value), 0) + sid
    secret = value + ext
    rql = 0x4b8 + KEY_SLOT_LEN * nks + len(shdr) + len(secret) + TAG_LEN
    iv = os.urandom(12)
    aad = (request_header(b'asrcbM', rql, iv, nks, len(secret)) +
           struct.pack('>Q', flags) + image.pld + image.ald + image.tld + image.tag + cuid +
           bytes(256) + bytes(512) + c.public() + c.key_slots() + shdr)
    return aad + gcm_seal(c.prot_key, iv, aad, secret)
