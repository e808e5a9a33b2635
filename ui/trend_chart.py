"""A figure's trend: its values across every year held, drawn with QPainter, with its axis
values, each year's value on hover, and the band the prior-year check allows around last
year's figure."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from esgdesk.application.session import Trend

LINE = QColor("#3b6ea8")
CHOSEN = QColor("#c0392b")
BAND = QColor(59, 110, 168, 40)
BAND_EDGE = QColor(59, 110, 168, 140)
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
        self.setMouseTracking(True)

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

    def scale(self) -> tuple[Decimal, Decimal] | None:
        """The value axis: from the lowest to the highest of the figures and the band."""
        band = self.band()
        values = [value for _year, value in self.points()] + (list(band) if band else [])
        if not values:
            return None
        low, high = min(values), max(values)
        return (low - 1, high + 1) if high == low else (low, high)

    def axis_labels(self) -> list[str]:
        """The value axis's ends, as the figure is shown (its lowest, its highest)."""
        scale = self.scale()
        return [] if scale is None else [self.format(scale[0]), self.format(scale[1])]

    def value_text(self, year: int) -> str:
        """What hovering a year says: its figure, or that it holds none."""
        value = dict(self.points()).get(year)
        return f"{year}: {self.format(value) if value is not None else '—'}"

    def _year_at(self, x: float) -> int | None:
        if self.trend is None or not self.trend.points:
            return None
        years = [year for year, _value in self.trend.points]
        left, width = self._margin(), self.width() - self._margin() - 8
        step = width / max(len(years) - 1, 1)
        return years[min(max(round((x - left) / step), 0), len(years) - 1)]

    def _margin(self) -> int:
        """Room on the left for the value axis's labels."""
        labels = self.axis_labels()
        return 8 + (max(self.fontMetrics().horizontalAdvance(t) for t in labels) + 4
                    if labels else 0)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        year = self._year_at(event.position().x())
        if year is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.value_text(year), self)
        super().mouseMoveEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        points = self.points()
        if self.trend is None or not points:
            painter.setPen(AXIS)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        metrics = painter.fontMetrics()
        area = QRectF(self.rect()).adjusted(self._margin(), metrics.height() + 4, -8,
                                            -(metrics.height() + 6))
        years = [year for year, _value in self.trend.points]
        band = self.band()
        scale = self.scale()
        assert scale is not None
        low, high = scale
        painter.setPen(AXIS)  # the value axis: its lowest and highest values
        bottom_label, top_label = self.axis_labels()
        painter.drawText(QPointF(4, area.bottom()), bottom_label)
        painter.drawText(QPointF(4, area.top() + metrics.ascent() / 2), top_label)
        painter.drawLine(QPointF(area.left() - 2, area.top()),
                         QPointF(area.left() - 2, area.bottom() + 2))

        def x_of(year: int) -> float:
            if len(years) == 1:
                return area.center().x()
            return area.left() + area.width() * years.index(year) / (len(years) - 1)

        def y_of(value: Decimal) -> float:
            return area.bottom() - area.height() * float((value - low) / (high - low))

        if band is not None:  # across the chart, with its edges drawn
            painter.fillRect(QRectF(area.left(), y_of(band[1]), area.width(),
                                    y_of(band[0]) - y_of(band[1])), BAND)
            painter.setPen(QPen(BAND_EDGE, 1, Qt.PenStyle.DashLine))
            for edge in band:
                painter.drawLine(QPointF(area.left(), y_of(edge)),
                                 QPointF(area.right(), y_of(edge)))
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
