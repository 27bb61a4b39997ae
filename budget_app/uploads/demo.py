"""Pictures and PDFs for the demo data, drawn here (no file is shipped): a building in the
landscape for a site photo, a page of bars for a field report."""
from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw


def site_photo(seed: int, size=(1200, 900)) -> bytes:
    """A JPEG of a building under a sky, different for each ``seed``."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, (120 + rng.randint(0, 60), 170 + rng.randint(0, 40), 220))
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.55, 0.7))
    draw.rectangle((0, horizon, width, height), fill=(150 + rng.randint(0, 40), 130, 90))
    for _ in range(3):  # hills
        x = rng.randint(-200, width)
        draw.ellipse((x, horizon - rng.randint(60, 160), x + rng.randint(300, 600), horizon + 120),
                     fill=(110, 140 + rng.randint(0, 30), 80))
    left = rng.randint(width // 8, width // 3)
    top = horizon - rng.randint(height // 4, height // 3)
    right = left + rng.randint(width // 3, width // 2)
    draw.rectangle((left, top, right, horizon + 20), fill=(225, 215, 190), outline=(120, 110, 90), width=4)
    for col in range(left + 30, right - 60, 90):
        for row in range(top + 30, horizon - 60, 80):
            draw.rectangle((col, row, col + 50, row + 45), fill=(70, 110, 150))
    door = (left + right) // 2
    draw.rectangle((door - 35, horizon - 90, door + 35, horizon + 20), fill=(100, 70, 40))
    draw.ellipse((width - 200, 60, width - 100, 160), fill=(250, 220, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def report_pdf(seed: int, pages: int = 2) -> bytes:
    """A PDF of ``pages`` pages of bar charts (Pillow writes the PDF: one picture per page)."""
    rng = random.Random(seed)
    sheets = []
    for _ in range(pages):
        page = Image.new("RGB", (1240, 1754), "white")
        draw = ImageDraw.Draw(page)
        draw.rectangle((100, 100, 1140, 180), fill=(30, 90, 120))
        for i in range(8):
            bar = rng.randint(200, 900)
            draw.rectangle((140, 260 + i * 120, 140 + bar, 330 + i * 120), fill=(60, 140, 100))
        for line in range(10):
            draw.line((100, 1300 + line * 40, 1140 - rng.randint(0, 300), 1300 + line * 40), fill=(160, 160, 160),
                      width=6)
        sheets.append(page)
    out = io.BytesIO()
    sheets[0].save(out, "PDF", save_all=True, append_images=sheets[1:], resolution=150)
    return out.getvalue()
