"""A figure's trend: its values across every year held, drawn with QPainter, with the band
the prior-year check allows around last year's figure."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from esgdesk.application.session import Trend

LINE = QColor("#3b6ea8")
CHOSEN = QColor("#c0392b")
BAND = QColor(59, 110, 168, 40)
AXIS = QColor("#8a8f98")


class TrendChart(QWidget):
    """A small line chart of one figure over the years; the chosen year is marked, and the
    range within which it would not be flagged is shaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trend: Trend | None = None
        self.format: Callable[[Decimal], str] = str
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(110)

    def sizeHint(self) -> QSize:
        return QSize(240, 110)

    def show_trend(self, trend: Trend | None, format: Callable[[Decimal], str]) -> None:
        self.trend, self.format = trend, format
        self.update()

    def points(self) -> list[tuple[int, Decimal]]:
        """The years that hold a figure, with it."""
        if self.trend is None:
            return []
        return [(year, value) for year, value in self.trend.points if value is not None]

    def band(self) -> tuple[Decimal, Decimal] | None:
        """The chosen year's figures the prior-year check lets pass: last year's ± the
        threshold (None when there is no last year's figure or no threshold)."""
        if self.trend is None or self.trend.threshold is None:
            return None
        prior = dict(self.trend.points).get(self.trend.year - 1)
        if prior is None:
            return None
        reach = abs(prior) * self.trend.threshold / 100
        return prior - reach, prior + reach

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        points = self.points()
        if self.trend is None or not points:
            painter.setPen(AXIS)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        metrics = painter.fontMetrics()
        area = QRectF(self.rect()).adjusted(8, metrics.height() + 4, -8,
                                            -(metrics.height() + 6))
        years = [year for year, _value in self.trend.points]
        band = self.band()
        values = [value for _year, value in points] + (list(band) if band else [])
        low, high = min(values), max(values)
        if high == low:
            low, high = low - 1, high + 1

        def x_of(year: int) -> float:
            if len(years) == 1:
                return area.center().x()
            return area.left() + area.width() * years.index(year) / (len(years) - 1)

        def y_of(value: Decimal) -> float:
            return area.bottom() - area.height() * float((value - low) / (high - low))

        step = area.width() / max(len(years) - 1, 1)
        if band is not None:
            painter.fillRect(QRectF(x_of(self.trend.year) - step / 3, y_of(band[1]),
                                    2 * step / 3, y_of(band[0]) - y_of(band[1])), BAND)
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(QPointF(area.left(), area.bottom() + 2),
                         QPointF(area.right(), area.bottom() + 2))
        for year in years:
            label = str(year)
            width = metrics.horizontalAdvance(label)
            x = min(max(x_of(year) - width / 2, 0), self.width() - width)
            painter.drawText(QPointF(x, self.height() - 4), label)
        painter.setPen(QPen(LINE, 2))
        for (year, value), (next_year, next_value) in pairwise(points):
            if next_year == year + 1:  # a gap year leaves a gap in the line
                painter.drawLine(QPointF(x_of(year), y_of(value)),
                                 QPointF(x_of(next_year), y_of(next_value)))
        for year, value in points:
            chosen = year == self.trend.year
            painter.setPen(QPen(CHOSEN if chosen else LINE, 1))
            painter.setBrush(CHOSEN if chosen else LINE)
            radius = 4.5 if chosen else 3.0
            painter.drawEllipse(QPointF(x_of(year), y_of(value)), radius, radius)
            if chosen or year == points[-1][0]:
                label = self.format(value)
                width = metrics.horizontalAdvance(label)
                x = min(max(x_of(year) - width / 2, 0), self.width() - width)
                painter.drawText(QPointF(x, max(y_of(value) - 7, metrics.ascent())), label)
