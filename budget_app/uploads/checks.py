"""What an uploaded file really is, decided by its content, never by its name.

Only four kinds are accepted: photos in JPEG, PNG or WebP, and PDF documents. The first bytes
(the "magic") say which; the name and the browser's content type are ignored. Then:

- **Photos** are decoded by Pillow with only the matching decoder, after their dimensions are
  read from the header and checked (a decompression bomb is a small file declaring a huge
  picture: it is refused before a single pixel is decoded). The picture is re-encoded from its
  pixels into a web size and a thumbnail: whatever else the file held (EXIF with GPS position,
  comments, ICC profiles, a payload hidden after the picture) is not copied.
- **PDFs** are opened with pypdf to count their pages; password-protected files and files with
  scripts, launch actions, embedded files or XFA forms are refused. The file is stored as sent.
- **Polyglots** (one file that is two kinds at once) are refused, in this order: a file that
  starts as a web page, SVG or XML, or holds a script or HTML tag anywhere; a ZIP
  archive's directory (a JAR or an Office file glued to a picture); a PDF header inside a photo;
  bytes after the end of the picture (JPEG's end marker, PNG's IEND chunk, WebP's RIFF length)
  or after a PDF's last ``%%EOF``.

Every refusal is an :class:`UploadRefused` with a message the uploader can read; nothing here
touches the disk or the database (see ``budget_app.uploads.services``).
"""
from __future__ import annotations

import io
import re
import struct
import warnings
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from PIL import Image, ImageOps

from budget_app.errors import DomainError

PHOTO, DOCUMENT = "photo", "document"

# kind -> (Pillow format, content type, extension of the stored file)
IMAGE_FORMATS = {"jpeg": ("JPEG", "image/jpeg", "jpg"), "png": ("PNG", "image/png", "png"),
                 "webp": ("WEBP", "image/webp", "webp")}
PDF_TYPE = "application/pdf"

WEB_SIZE = 1600  # longest side of the web size, in pixels
THUMB_SIZE = 320  # longest side of the thumbnail


@dataclass(frozen=True)
class Limits:
    """What one file may be (the defaults are the application's; see budget_app/config.py)."""
    max_bytes: int = 4 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_side: int = 12_000
    max_pdf_pages: int = 30


# Pillow's own guard against decompression bombs: a warning above this many pixels, an error
# above twice as many. Our limit is checked first, on the header; this is the second net.
Image.MAX_IMAGE_PIXELS = Limits.max_pixels


class UploadRefused(DomainError):
    """A file refused for what it contains."""

    def __init__(self, message):
        super().__init__(message, "file")


@dataclass
class Checked:
    """A file that passed: what to store and what to record about it."""
    kind: str  # PHOTO or DOCUMENT
    mime: str
    extension: str
    main: bytes  # the web size of a photo, or the PDF itself
    thumb: bytes | None = None
    width: int | None = None
    height: int | None = None
    pages: int | None = None


def sniff(data: bytes) -> str | None:
    """"jpeg", "png", "webp", "pdf", or None, by the first bytes alone."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    return None


def check(data: bytes, limits: Limits = Limits()) -> Checked:
    """Accept ``data`` as a photo or a PDF, or raise :class:`UploadRefused` saying why."""
    if not data:
        raise UploadRefused(_l("The file is empty."))
    if len(data) > limits.max_bytes:
        raise UploadRefused(_l("The file is larger than %(limit)s MB.", limit=_megabytes(limits.max_bytes)))
    kind = sniff(data)
    _refuse_markup(data)
    if kind is None:
        raise UploadRefused(_l("This kind of file is not accepted. Send a photo (JPEG, PNG or WebP) or a PDF "
                               "document."))
    _refuse_archive(data)
    if kind == "pdf":
        _refuse_after(data, _pdf_end(data))
        return _check_pdf(data, limits)
    if b"%PDF-" in data:
        raise _polyglot()
    _refuse_after(data, {"jpeg": _jpeg_end, "png": _png_end, "webp": _webp_end}[kind](data))
    return _reencode(data, kind, limits)


def _megabytes(n: int) -> str:
    return f"{round(n / (1024 * 1024), 1):g}"


def _polyglot() -> UploadRefused:
    return UploadRefused(_l("This file is two kinds of file at once (a photo or a PDF with something else "
                            "hidden in it) and is refused."))


# A file that starts like a web page, an SVG drawing or XML (the WHATWG sniffing patterns, after
# leading whitespace), and tags that have no business anywhere in a photo or a PDF. Only tags of
# five letters or more are looked for past the start: in compressed picture data any three or
# four given bytes turn up by chance now and then, seven practically never.
_MARKUP_START = re.compile(rb"\s*<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br"
                           rb"|p|svg|\?xml|\?php|!--)", re.I)
_MARKUP_ANYWHERE = re.compile(rb"<(?:script|html|iframe|svg|!doctype|\?php|object|embed)[\s>/]|javascript:", re.I)


def _refuse_markup(data: bytes) -> None:
    if _MARKUP_START.match(data) or _MARKUP_ANYWHERE.search(data):
        raise UploadRefused(_l("This file contains web-page code (HTML, SVG or a script) and is refused."))


def _refuse_archive(data: bytes) -> None:
    try:
        is_zip = zipfile.is_zipfile(io.BytesIO(data))
    except Exception:  # a malformed directory is no archive a reader would open either
        is_zip = False
    if is_zip or data.startswith((b"PK\x03\x04", b"Rar!", b"7z\xbc\xaf")):
        raise _polyglot()


def _refuse_after(data: bytes, end: int | None) -> None:
    """Nothing may follow the end of the picture or of the PDF (padding zeros and whitespace aside)."""
    if end is None:
        raise UploadRefused(_damaged_message(data))
    if data[end:].strip(b"\x00\r\n\t\f "):
        raise _polyglot()


def _damaged_message(data: bytes):
    if sniff(data) == "pdf":
        return _l("The PDF could not be read: it is damaged.")
    return _l("The picture could not be read: it is damaged, or not really a JPEG, PNG or WebP file.")


def _jpeg_segments(data: bytes):
    """(marker, start of its payload, payload length) of each segment of a JPEG, walking its
    structure; the end-of-image marker comes last with its end as start. Raises ValueError if the
    structure is broken."""
    pos, n = 2, len(data)
    while pos + 2 <= n:
        if data[pos] != 0xFF:
            raise ValueError("not a marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            yield marker, pos + 2, 0
            return
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        if pos + 4 > n:
            break
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        yield marker, pos + 4, length - 2
        pos += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data until a marker other than RST or stuffing
            while pos + 1 < n:
                if data[pos] == 0xFF and data[pos + 1] != 0x00 and not 0xD0 <= data[pos + 1] <= 0xD7:
                    break
                pos += 1
    raise ValueError("no end of image")


def _jpeg_end(data: bytes) -> int | None:
    """Where a JPEG's end-of-image marker ends (an EXIF thumbnail inside a segment has its own
    end marker, so the last or first FF D9 in the file proves nothing)."""
    try:
        for marker, start, _length in _jpeg_segments(data):
            if marker == 0xD9:
                return start
    except (ValueError, struct.error):
        return None
    return None


def _png_end(data: bytes) -> int | None:
    pos, n = 8, len(data)
    while pos + 12 <= n:
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        chunk = data[pos + 4:pos + 8]
        pos += 12 + length
        if chunk == b"IEND":
            return pos if pos <= n else None
    return None


def _webp_end(data: bytes) -> int | None:
    (size,) = struct.unpack("<I", data[4:8])
    end = 8 + size + (size & 1)
    return end if end <= len(data) + (size & 1) else None


def _pdf_end(data: bytes) -> int | None:
    at = data.rfind(b"%%EOF")
    return None if at < 0 else at + 5


# Photos -----------------------------------------------------------------------------------

def _bomb(width: int, height: int, limits: Limits) -> UploadRefused:
    return UploadRefused(_l("The picture is too large: %(width)s × %(height)s pixels. At most %(pixels)s million "
                            "pixels and %(side)s pixels per side are accepted.", width=width, height=height,
                            pixels=limits.max_pixels // 1_000_000, side=limits.max_side))


def _dimensions(data: bytes, kind: str) -> tuple[int, int]:
    """Width and height as the file's header declares them, read without Pillow (which refuses a
    bomb itself, but only once it has started on it). Raises ValueError on a broken header."""
    if kind == "png":
        if data[12:16] != b"IHDR":
            raise ValueError("no IHDR")
        return struct.unpack(">II", data[16:24])
    if kind == "jpeg":
        for marker, start, _length in _jpeg_segments(data):
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
                height, width = struct.unpack(">HH", data[start + 1:start + 5])
                return width, height
        raise ValueError("no frame header")
    chunk = data[12:16]  # WebP
    if chunk == b"VP8X":
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    raise ValueError("unknown WebP chunk")


def _reencode(data: bytes, kind: str, limits: Limits) -> Checked:
    pil_format, mime, extension = IMAGE_FORMATS[kind]
    try:
        width, height = _dimensions(data, kind)
    except (ValueError, struct.error):
        raise UploadRefused(_damaged_message(data))
    if width * height > limits.max_pixels or max(width, height) > limits.max_side:
        raise _bomb(width, height, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=(pil_format,)) as probe:  # reads the header only
                if probe.size != (width, height):
                    raise ValueError("the header's size is not the picture's")
                probe.verify()
            with Image.open(io.BytesIO(data), formats=(pil_format,)) as image:
                if pil_format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale when that still covers the web size
                    scale = WEB_SIZE / max(width, height)
                    image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
                image.load()
                picture = ImageOps.exif_transpose(image)  # keep photos upright once the EXIF is gone
                web = _encoded(picture, pil_format, WEB_SIZE)
                thumb = _encoded(web[2], pil_format, THUMB_SIZE)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb(width, height, limits)
    except Exception:  # Pillow raises many kinds on a broken or hostile file: all mean "cannot read"
        raise UploadRefused(_damaged_message(data))
    return Checked(PHOTO, mime, extension, web[0], thumb=thumb[0], width=web[1][0], height=web[1][1])


def _encoded(picture: Image.Image, pil_format: str, longest: int) -> tuple[bytes, tuple[int, int], Image.Image]:
    """The picture's pixels alone, at most ``longest`` pixels a side, in ``pil_format`` (the
    bytes, their size, and the clean picture they were made from)."""
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
    mode = "RGBA" if has_alpha and pil_format != "JPEG" else "RGB"
    clean = picture.convert(mode)
    clean.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    clean.info = {}  # no EXIF, XMP, ICC profile, comment or text chunk is carried over
    out = io.BytesIO()
    options = {"JPEG": {"quality": 85, "optimize": True}, "PNG": {"compress_level": 6},
               "WEBP": {"quality": 80, "method": 4}}[pil_format]
    clean.save(out, pil_format, **options)
    return out.getvalue(), clean.size, clean


# PDFs -------------------------------------------------------------------------------------

_ACTIVE_PDF = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData)\b")


def _check_pdf(data: bytes, limits: Limits) -> Checked:
    # Imported here: only PDF uploads need pypdf, and it takes a while to load.
    from pypdf import PdfReader

    if _ACTIVE_PDF.search(data):
        raise _active_pdf()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRefused(_l("Password-protected PDFs are not accepted."))
        pages = len(reader.pages)
        if pages > limits.max_pdf_pages:
            raise UploadRefused(lazy_ngettext(
                "The PDF has %(num)s page; at most %(limit)s are accepted.",
                "The PDF has %(num)s pages; at most %(limit)s are accepted.", pages, limit=limits.max_pdf_pages))
        if pages == 0:
            raise UploadRefused(_l("The PDF could not be read: it is damaged."))
        if _has_actions(reader):
            raise _active_pdf()
    except UploadRefused:
        raise
    except Exception:  # pypdf raises many kinds on a broken or hostile file: all mean "cannot read"
        raise UploadRefused(_l("The PDF could not be read: it is damaged."))
    return Checked(DOCUMENT, PDF_TYPE, "pdf", data, pages=pages)


def _active_pdf() -> UploadRefused:
    return UploadRefused(_l("This PDF contains scripts, embedded files or automatic actions and is refused."))


def _has_actions(reader) -> bool:
    """Scripts or embedded files declared where compressed object streams could hide them from the
    byte scan: the catalog's names, open action, additional actions and form, and each page's."""
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    if "/JavaScript" in names or "/EmbeddedFiles" in names or "/AA" in root:
        return True
    form = root.get("/AcroForm")
    if form is not None and "/XFA" in form.get_object():
        return True
    action = root.get("/OpenAction")
    if action is not None and not isinstance(action.get_object(), list):
        if action.get_object().get("/S") in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData"):
            return True
    for page in reader.pages:
        if "/AA" in page:
            return True
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            act = annotation.get("/A")
            if "/AA" in annotation or (act is not None and act.get_object().get("/S") in (
                    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData")):
                return True
    return False
