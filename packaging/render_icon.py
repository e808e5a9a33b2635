"""Render the SVG application icon to a PNG for the bundle (the .desktop entry, and the
Windows .ico / macOS .icns PyInstaller makes from it). Run with QT_QPA_PLATFORM=offscreen."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer


def render(svg: Path, png: Path, size: int = 256) -> None:
    """Draw `svg` on a transparent square of `size` pixels and save it as `png`."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    png.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(png)):
        raise SystemExit(f"render_icon: could not write {png}")


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    render(Path(sys.argv[1]), Path(sys.argv[2]))
