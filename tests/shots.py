"""Screenshot comparison with a tolerance: a page shot at 1400×900 is compared with its reference
in tests/screenshots/ (stored at half size, 64 colours, so the files stay small). The
difference is measured on the half-size greyscale images: the mean absolute difference and the
share of pixels that differ by more than a threshold, so that anti-aliasing and font hinting
pass while a moved, missing or recoloured element fails. ``--update-golden`` rewrites them."""

from __future__ import annotations

import io
from pathlib import Path

SHOTS = Path(__file__).resolve().parent / "screenshots"
#: Largest mean difference (0–255) and share of pixels differing by more than THRESHOLD.
MEAN, SHARE, THRESHOLD = 6.0, 0.04, 48


def _small(png: bytes) -> object:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)


def difference(a: object, b: object) -> tuple[float, float]:
    """(mean absolute difference, share of pixels differing by more than THRESHOLD)."""
    from PIL import ImageChops

    if a.size != b.size:  # type: ignore[attr-defined]
        return 255.0, 1.0
    diff = ImageChops.difference(a.convert("L"), b.convert("L"))  # type: ignore[attr-defined]
    counts = diff.histogram()  # pixels per difference 0..255
    total = sum(counts)
    mean = sum(v * n for v, n in enumerate(counts)) / total
    share = sum(counts[THRESHOLD + 1 :]) / total
    return mean, share


def check(png: bytes, name: str, *, update: bool) -> None:
    """Compare ``png`` with ``tests/screenshots/<name>.png`` (write it when updating)."""
    from PIL import Image

    shot = _small(png)
    path = SHOTS / f"{name}.png"
    if update or not path.exists():
        SHOTS.mkdir(exist_ok=True)
        shot.quantize(64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)  # type: ignore[attr-defined]
        if not update:
            raise AssertionError(f"no reference {path.name} yet: written; check it and commit it")
        return
    reference = Image.open(path).convert("RGB")
    mean, share = difference(shot, reference)
    if mean > MEAN or share > SHARE:
        SHOTS.joinpath("failed").mkdir(exist_ok=True)
        shot.save(SHOTS / "failed" / f"{name}.png")
        raise AssertionError(
            f"{name}: screenshot differs from its reference (mean {mean:.1f} > {MEAN} or "
            f"{share:.1%} of pixels > {SHARE:.0%}); see tests/screenshots/failed/{name}.png"
        )
