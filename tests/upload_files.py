"""Photos, PDFs and hostile files made in the tests (``from upload_files import ...``)."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

GPS_IFD = 0x8825


def photo(fmt: str = "JPEG", size=(800, 600), *, gps: bool = False, comment: bytes | None = None,
          alpha: bool = False) -> bytes:
    """A picture with shapes in it; with ``gps``, EXIF holding a camera make and a GPS position."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA" if alpha else "RGB", size, (40, 110, 160, 128) if alpha else (40, 110, 160))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill=(240, 200, 60))
    draw.rectangle((10, size[1] - 60, size[0] - 10, size[1] - 10), fill=(30, 140, 80))
    options = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "SecretPhoneMaker"  # Make
        exif[0x0112] = 1  # orientation
        position = exif.get_ifd(GPS_IFD)
        position.update({1: "N", 2: (31.0, 31.0, 57.0), 3: "E", 4: (35.0, 5.0, 52.0)})
        options["exif"] = exif.tobytes()
    if comment is not None:
        options["comment"] = comment
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid-looking PNG of a few hundred bytes whose header declares ``width`` × ``height`` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\x00" * 4096, 9))
            + _chunk(b"IEND", b""))


SVG = (b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(document.cookie)</script></svg>')
HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin')</script></body></html>"


def pdf(pages: int = 2, *, javascript: bool = False, password: str | None = None) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript:  # an action run when the document opens
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("payload.html", "<b>hidden</b>")
    return out.getvalue()
