#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# vmlinux.py - unpack the ELF vmlinux inside a bzImage, for "lguest --kernel".
# The test guests boot it to skip the kernel's own decompressor (seconds of
# xz in the TCG test host).  Each loadable segment's trailing zeroes become
# p_memsz beyond p_filesz, which the loader zero-fills, so the file is half
# the size.  Usage: vmlinux.py BZIMAGE OUTPUT
import lzma
import os
import struct
import subprocess
import sys
import zlib


def payload(image):
    """The compressed kernel: payload_offset/length of the setup header."""
    if image[0x202:0x206] != b'HdrS':
        sys.exit('vmlinux.py: not a bzImage (no HdrS header)')
    setup = ((image[0x1f1] or 4) + 1) * 512
    off, length = struct.unpack_from('<II', image, 0x248)
    if length < 8 or setup + off + length > len(image):
        sys.exit('vmlinux.py: the payload lies outside the bzImage')
    return image[setup + off:setup + off + length]


def unpack(data):
    """Decompress by magic: xz, gzip or zstd (the latter by its command).
    The kernel's build appends the unpacked size (le32), checked here."""
    body, size = data[:-4], struct.unpack('<I', data[-4:])[0]
    if body.startswith(b'\xfd7zXZ\0'):
        out = lzma.LZMADecompressor().decompress(body)
    elif body.startswith(b'\x1f\x8b'):
        out = zlib.decompressobj(wbits=31).decompress(body)
    elif body.startswith(b'\x28\xb5\x2f\xfd'):
        out = subprocess.run(['zstd', '-dcq'], input=body, check=True,
                             stdout=subprocess.PIPE).stdout
    else:
        sys.exit('vmlinux.py: unknown compression %s' % body[:6].hex())
    if len(out) != size:
        sys.exit('vmlinux.py: unpacked %d bytes, the kernel says %d' %
                 (len(out), size))
    return out


def lean(elf):
    """The same ELF with PT_LOAD contents only, trailing zeroes dropped."""
    if elf[:4] != b'\x7fELF' or elf[4] != 2:
        sys.exit('vmlinux.py: the payload is not a 64-bit ELF')
    phoff, = struct.unpack_from('<Q', elf, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', elf, 0x36)
    out = bytearray(elf[:phoff + phentsize * phnum])
    struct.pack_into('<Q', out, 0x28, 0)		# e_shoff: no sections
    struct.pack_into('<HHH', out, 0x3a, 0, 0, 0)	# e_shentsize..e_shstrndx
    for i in range(phnum):
        at = phoff + i * phentsize
        ptype, flags, off, vaddr, paddr, filesz = \
            struct.unpack_from('<IIQQQQ', elf, at)
        body = elf[off:off + filesz].rstrip(b'\0') if ptype == 1 else b''
        # Keep the offset congruent to the address modulo the page size.
        pad = (paddr - len(out)) % 4096
        out += bytes(pad)
        struct.pack_into('<QQQQ', out, at + 8, len(out) if body else 0,
                         vaddr, paddr, len(body))
        out += body
    return bytes(out)


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: vmlinux.py BZIMAGE OUTPUT')
    with open(sys.argv[1], 'rb') as f:
        image = f.read()
    with open(sys.argv[2] + '.tmp', 'wb') as f:
        f.write(lean(unpack(payload(image))))
    os.replace(sys.argv[2] + '.tmp', sys.argv[2])


main()
