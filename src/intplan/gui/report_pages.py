"""Draw the board pack (:mod:`intplan.services.report`) with QPainter: into a PDF
(QPdfWriter) or, page by page, into an image (the documentation's screenshot).

Pages are drawn in A4 logical units at 96 dots an inch (794 × 1123); the device scales
them. Works headless: the offscreen platform has fonts and a raster engine.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)
from PySide6.QtWidgets import QApplication

from intplan import __version__
from intplan.gui.palette import INT_PALETTE, LIGHT_COLOURS
from intplan.io.atomic import SaveError, atomic_write
from intplan.services.geography import MapLayout
from intplan.services.overview import (
    UNMET,
    UTILISATION,
    WITHIN_TARGET,
    Light,
    OverviewRow,
)
from intplan.services.report import (
    OVERVIEW_ROWS_PER_PAGE,
    SPLIT_OPTIONS_SHOWN,
    TARGET_NOTE,
    BoardPack,
    RunChart,
)

PAGE_W, PAGE_H = 794.0, 1123.0  # A4 at 96 dpi
MARGIN = 44.0
HEADER_H = 40.0  # a table header: three lines of 8-point text
INK = QColor("#1d2b36")
MUTED = QColor("#5a6b7b")
RULE = QColor("#c9d3dc")
STRIPE = QColor("#f1f5f8")
LIGHTS = {light: QColor(colour) for light, colour in LIGHT_COLOURS.items()}
SERIES = QColor("#005eb8")  # NHS blue
TARGET = QColor("#b3261e")


def ensure_gui_application() -> QGuiApplication:
    """The running application, or a new one (offscreen when there is no display), so
    the command line can draw without a desktop session."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        return app
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # QApplication rather than the lighter QGuiApplication: the same process may show
    # widgets later (the desktop app, pytest-qt), which needs this kind
    return QApplication([])


def _font(size: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


def _pct(x: float, decimals: int = 0) -> str:
    return f"{100 * x:.{decimals}f}%" if math.isfinite(x) else "–"


def _change(x: float) -> str:
    """A signed change to one decimal; no "-0.0" for a change that rounds to nothing."""
    return "0.0" if abs(x) < 0.05 else f"{x:+,.1f}"


def _num(x: float, decimals: int = 1) -> str:
    return f"{x:,.{decimals}f}" if math.isfinite(x) else "–"


def _frame(p: QPainter, pack: BoardPack, title: str, page: int, pages: int) -> float:
    """Title, run label and footer; returns the y where the page's content starts."""
    p.setPen(INK)
    p.setFont(_font(16, bold=True))
    room = PAGE_W - 2 * MARGIN - (136 if pack.label.illustrative else 0)  # clear of the badge
    title = p.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, int(room))
    p.drawText(QRectF(MARGIN, MARGIN, room, 28), Qt.AlignmentFlag.AlignLeft, title)
    p.setFont(_font(9))
    p.setPen(MUTED)
    p.drawText(
        QRectF(MARGIN, MARGIN + 30, PAGE_W - 2 * MARGIN, 18),
        Qt.AlignmentFlag.AlignLeft,
        pack.label.text(),
    )
    if pack.label.illustrative:
        p.setFont(_font(10, bold=True))
        badge = QRectF(PAGE_W - MARGIN - 120, MARGIN + 2, 120, 22)
        p.setPen(QPen(TARGET, 1.5))
        p.drawRect(badge)
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter, "ILLUSTRATIVE")
    p.setPen(QPen(RULE, 1))
    p.drawLine(QPointF(MARGIN, MARGIN + 52), QPointF(PAGE_W - MARGIN, MARGIN + 52))
    p.setFont(_font(8))
    p.setPen(MUTED)
    p.drawText(
        QRectF(MARGIN, PAGE_H - MARGIN, PAGE_W - 2 * MARGIN, 16),
        Qt.AlignmentFlag.AlignLeft,
        f"intplan {__version__} board pack · {dt.date.today():%d %B %Y}",
    )
    p.drawText(
        QRectF(MARGIN, PAGE_H - MARGIN, PAGE_W - 2 * MARGIN, 16),
        Qt.AlignmentFlag.AlignRight,
        f"page {page} of {pages}",
    )
    return MARGIN + 64


def _paragraph(p: QPainter, top: float, text: str, size: float = 9) -> float:
    p.setFont(_font(size))
    p.setPen(INK)
    rect = QRectF(MARGIN, top, PAGE_W - 2 * MARGIN, PAGE_H)
    bound = p.boundingRect(rect, Qt.TextFlag.TextWordWrap, text)
    p.drawText(rect, Qt.TextFlag.TextWordWrap, text)
    return top + bound.height() + 6


Cell = tuple[str, QColor | None]  # text, and a traffic-light colour drawn as a dot


def _table(
    p: QPainter,
    top: float,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    row_h: float = 19,
) -> float:
    """A striped table; columns after the first are right-aligned. Returns its bottom."""
    scale = (PAGE_W - 2 * MARGIN) / sum(widths)
    xs = [MARGIN]
    for w in widths:
        xs.append(xs[-1] + w * scale)
    p.setFont(_font(8, bold=True))
    p.setPen(INK)
    for c, h in enumerate(headers):
        # a column of traffic lights is left-aligned (the dot leads), and so its header
        lit = bool(rows) and len(rows[0]) > c and rows[0][c][1] is not None
        left = c == 0 or lit
        align = Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignRight
        rect = QRectF(xs[c] + 3, top, xs[c + 1] - xs[c] - 6, HEADER_H)
        p.drawText(rect, align | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap, h)
    y = top + HEADER_H + 2
    p.setPen(QPen(INK, 0.8))
    p.drawLine(QPointF(MARGIN, y), QPointF(PAGE_W - MARGIN, y))
    p.setFont(_font(8))
    for n, row in enumerate(rows):
        if n % 2:
            p.fillRect(QRectF(MARGIN, y, PAGE_W - 2 * MARGIN, row_h), STRIPE)
        for c, (text, light) in enumerate(row):
            rect = QRectF(xs[c] + 3, y, xs[c + 1] - xs[c] - 6, row_h)
            align = Qt.AlignmentFlag.AlignLeft if c == 0 else Qt.AlignmentFlag.AlignRight
            if light is not None:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(light)
                p.drawEllipse(QPointF(rect.left() + 6, rect.center().y()), 5, 5)
                p.setBrush(Qt.BrushStyle.NoBrush)
                rect.setLeft(rect.left() + 16)
                align = Qt.AlignmentFlag.AlignLeft
            p.setPen(INK)
            p.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter, text)
        y += row_h
    p.setPen(QPen(RULE, 0.8))
    p.drawLine(QPointF(MARGIN, y), QPointF(PAGE_W - MARGIN, y))
    return y + 8


def overview_legend() -> str:
    """The overview's thresholds in words: those of :mod:`intplan.services.overview`."""
    return (
        "Each INT's share of requests seen within their response target (and its worst "
        "activity), the utilisation of its patient-serving staff, the activities whose "
        "backlog grew through the run and the need left unmet per 1,000 people a week; "
        "the INTs in most trouble first, each with its worst light. "
        f"Within target: {WITHIN_TARGET.describe('%', 100, with_source=False)}. "
        f"Utilisation: {UTILISATION.describe('%', 100, with_source=False)}. "
        "Backlog: green when no activity's backlog grows, amber for one, red for two or "
        f"more. Unmet per 1,000 a week: {UNMET.describe(with_source=False)}. "
        "n/a: not measured in this run. The sources of the limits are in the Results "
        "Overview sheet's note and the user guide."
    )


def _overview_page(p: QPainter, top: float, rows: Sequence[OverviewRow], first: bool) -> None:
    if first:
        top = _paragraph(p, top, overview_legend())
    headers = (
        "INT",
        "Overall",
        "Population",
        "Within target",
        "Worst activity",
        "Utilisation",
        "Backlog",
        "Unmet a week per 1,000",
    )

    def lit(text: str, light: Light) -> Cell:
        return (text, LIGHTS[light])

    body = [
        [
            (r.int_code, None),
            lit(r.overall.label, r.overall),
            (f"{r.population:,}", None),
            lit(_pct(r.within_target_share, 1), r.within_target_light),
            (
                f"{r.worst_activity} {_pct(r.worst_activity_share)}" if r.worst_activity else "–",
                None,
            ),
            lit(_pct(r.utilisation), r.utilisation_light),
            lit(
                f"{len(r.backlog_growing)} growing" if r.backlog_growing else "stable",
                r.backlog_light,
            ),
            lit(_num(r.unmet_per_1000_per_week, 2), r.unmet_light),
        ]
        for r in rows
    ]
    _table(p, top, headers, body, (100, 66, 76, 76, 86, 72, 80, 80), row_h=15.5)


def _overview_rows_page(
    p: QPainter, top: float, *, chunk: Sequence[OverviewRow], first: bool
) -> None:
    _overview_page(p, top, chunk, first)


def _map_page(p: QPainter, top: float, pack: BoardPack) -> None:
    """Practices coloured by INT, INT and PCN boundaries, each INT's name and overall
    light: the geometry of :func:`intplan.services.geography.map_layout`."""
    layout = pack.map
    assert layout is not None
    top = _paragraph(
        p,
        top,
        "Each area is the part of the map nearer to one practice than to any other "
        "(practices are points; boundaries are not known), coloured by its INT. Thick "
        "lines: INT boundaries; thin lines: PCN boundaries within an INT; dots: practices, "
        "larger for larger lists; the dot before each INT's name (shown without the "
        "prefix all INT codes share): its overall light on the overview.",
    )
    box = QRectF(MARGIN, top + 4, PAGE_W - 2 * MARGIN, PAGE_H - MARGIN - 24 - top)
    to_page = _km_to_page(layout, box)
    lights = {r.int_code: r.overall for r in pack.overview}
    for point, cell in zip(layout.points, layout.cells, strict=True):
        if len(cell) < 3:
            continue
        path = QPainterPath()
        path.moveTo(to_page(cell[0]))
        for corner in cell[1:]:
            path.lineTo(to_page(corner))
        path.closeSubpath()
        fill = QColor(_int_colour(layout, point.int_code))
        fill.setAlpha(110)
        p.fillPath(path, fill)
    p.setPen(QPen(QColor("#8a97a3"), 0.5))
    for border in layout.pcn_borders:
        p.drawLine(to_page(border.a), to_page(border.b))
    p.setPen(QPen(INK, 1.4))
    for border in layout.int_borders:
        p.drawLine(to_page(border.a), to_page(border.b))
    p.setPen(QPen(QColor("white"), 0.6))
    for point in layout.points:
        p.setBrush(QColor(_int_colour(layout, point.int_code)).darker(130))
        radius = min(4.0, max(1.6, 2.2 * math.sqrt(max(point.population, 0) / 10_000)))
        p.drawEllipse(to_page((point.x_km, point.y_km)), radius, radius)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setFont(_font(6.5, bold=True))
    metrics = p.fontMetrics()
    taken: list[QRectF] = []
    # the most populous INTs are placed first; a crowded name moves up or down a line or
    # more, to the nearest free place (every INT keeps its name)
    by_size = sorted(
        layout.labels, key=lambda c: -sum(q.population for q in layout.points if q.int_code == c)
    )
    prefix = _common_prefix(by_size)
    for code in by_size:
        name = code.removeprefix(prefix)
        centre = to_page(layout.labels[code])
        width = metrics.horizontalAdvance(name) + 14
        tag = QRectF(centre.x() - width / 2, centre.y() - 6.5, width, 13)
        shifts = [(dx * width / 2, dy * 13) for dy in (0, -1, 1, -2, 2, -3, 3) for dx in (0, -1, 1)]
        for dx, dy in shifts:
            moved = tag.translated(dx, dy)
            if not any(moved.intersects(other) for other in taken):
                tag = moved
                break
        taken.append(tag)
        p.fillRect(tag, QColor(255, 255, 255, 210))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(LIGHTS[lights.get(code, Light.NONE)])
        p.drawEllipse(QPointF(tag.left() + 5, tag.center().y()), 3, 3)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(INK)
        p.drawText(tag.adjusted(10, 0, 0, 0), Qt.AlignmentFlag.AlignCenter, name)


def _common_prefix(codes: Sequence[str]) -> str:
    """A prefix every INT code shares up to a dash ("INT-"), left off the map's names."""
    if len(codes) < 2:
        return ""
    first = codes[0]
    cut = first.find("-") + 1  # the first dash-ended part, if every code has it
    return first[:cut] if cut and all(c.startswith(first[:cut]) for c in codes) else ""


def _int_colour(layout: MapLayout, int_code: str) -> str:
    return INT_PALETTE[layout.colour_index.get(int_code, 0) % len(INT_PALETTE)]


def _km_to_page(layout: MapLayout, box: QRectF) -> Callable[[tuple[float, float]], QPointF]:
    """Map km (north up) into ``box``, the same scale both ways, centred across."""
    corners = layout.extent or tuple((q.x_km, q.y_km) for q in layout.points)
    xs = [x for x, _ in corners]
    ys = [y for _, y in corners]
    span_x, span_y = max(max(xs) - min(xs), 1e-6), max(max(ys) - min(ys), 1e-6)
    scale = min(box.width() / span_x, box.height() / span_y)
    left = box.left() + (box.width() - span_x * scale) / 2
    top = box.top()  # from the top: the space left over is at the foot of the page

    def to_page(xy: tuple[float, float]) -> QPointF:
        return QPointF(left + (xy[0] - min(xs)) * scale, top + (max(ys) - xy[1]) * scale)

    return to_page


def _axis_floor(chart: RunChart) -> float:
    """The share at the foot of the axis: 10 points below the lower of the target and
    the lowest week, in tens (a run chart's detail is near the target, not near 0%)."""
    shares = [x for x in chart.within_target_share if math.isfinite(x)]
    low = min([chart.target_share, *shares])
    return max(0.0, math.floor(low * 10 - 1e-9) / 10 - 0.1)


def _run_chart(p: QPainter, box: QRectF, chart: RunChart) -> None:
    p.setPen(INK)
    p.setFont(_font(10, bold=True))
    p.drawText(
        QRectF(box.left(), box.top(), box.width(), 18), Qt.AlignmentFlag.AlignLeft, chart.int_code
    )
    plot = QRectF(box.left() + 44, box.top() + 26, box.width() - 56, box.height() - 64)
    p.setFont(_font(7.5))
    p.setPen(MUTED)
    floor = _axis_floor(chart)

    def y_of(share: float) -> float:
        return plot.bottom() - (share - floor) / (1.0 - floor) * plot.height()

    span = 1.0 - floor
    step = 0.05 if span <= 0.3 else 0.1 if span <= 0.6 else 0.25  # round percentages
    for k in range(round(span / step) + 1):
        share = floor + k * step
        y = y_of(share)
        p.setPen(QPen(RULE, 0.6))
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        p.setPen(MUTED)
        p.drawText(
            QRectF(plot.left() - 42, y - 8, 38, 16),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{share:.0%}",
        )
    weeks = chart.weeks
    if weeks:
        lo, hi = weeks[0], max(weeks[-1], weeks[0] + 1)

        def x_of(week: float) -> float:
            return plot.left() + (week - lo) / (hi - lo) * plot.width()

        for week in sorted({lo, hi, *weeks[:: max(1, len(weeks) // 6)]}):
            p.drawText(
                QRectF(x_of(week) - 20, plot.bottom() + 2, 40, 14),
                Qt.AlignmentFlag.AlignCenter,
                str(week),
            )
        path = QPainterPath()
        started = False
        for week, share in zip(weeks, chart.within_target_share, strict=True):
            if not math.isfinite(share):
                started = False
                continue
            point = QPointF(x_of(week), y_of(share))
            if started:
                path.lineTo(point)
            else:
                path.moveTo(point)
                started = True
        p.setPen(QPen(SERIES, 1.8))
        p.drawPath(path)
    y = y_of(chart.target_share)
    pen = QPen(TARGET, 1.2)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
    p.setFont(_font(7.5))
    p.drawText(
        QRectF(plot.right() - 94, y + 2, 90, 14),
        Qt.AlignmentFlag.AlignRight,
        f"target {chart.target_share:.0%}",
    )
    p.setPen(MUTED)
    p.drawText(
        QRectF(plot.left(), plot.bottom() + 16, plot.width(), 14),
        Qt.AlignmentFlag.AlignCenter,
        "week after warm-up",
    )
    p.setPen(QPen(INK, 0.8))
    p.drawRect(plot)


def _run_charts_page(p: QPainter, top: float, pack: BoardPack) -> None:
    top = _paragraph(
        p,
        top,
        "The INTs with the lowest share seen within target: each week's share of "
        "requests seen within their response target (mean of the replications, weighted "
        f"by requests served), against the target line: the optimiser's service level "
        f"{TARGET_NOTE}.",
    )
    if not pack.run_charts:
        _paragraph(p, top, "No INT had requests in the stored results.")
        return
    width = (PAGE_W - 2 * MARGIN - 20) / 2
    height = 300.0
    for n, chart in enumerate(pack.run_charts):
        box = QRectF(MARGIN + (n % 2) * (width + 20), top + (n // 2) * (height + 20), width, height)
        _run_chart(p, box, chart)


def _plan_page(p: QPainter, top: float, pack: BoardPack) -> None:
    assert pack.plan is not None
    for line in pack.plan.lines:
        top = _paragraph(p, top, line)
    top += 6
    body = [
        [
            (f"{r.name} ({r.role})" if r.name != r.role else r.role, None),
            (_num(r.current_fte), None),
            (_num(r.recommended_fte), None),
            (_change(r.recommended_fte - r.current_fte), None),
            (f"£{r.current_cost_gbp:,.0f}", None),
            (f"£{r.recommended_cost_gbp:,.0f}", None),
        ]
        for r in pack.plan.roles
    ]
    headers = (
        "Role (largest change first)",
        "FTE now",
        "FTE planned",
        "Change (FTE)",
        "Pay now (£ a year)",
        "Pay planned (£ a year)",
    )
    _table(p, top, headers, body, (220, 70, 70, 70, 100, 100))


def _splits_page(p: QPainter, top: float, pack: BoardPack) -> None:
    splits = pack.splits
    assert splits is not None
    top = _paragraph(p, top, splits.title or "Split options, best score first")
    wanted = [
        h
        for h in splits.headers
        if h in ("rank", "practice groups", "INTs", "score", "within bounds")
        or h.startswith(("wait (", "team_size (", "travel ("))
    ]
    index = [splits.headers.index(h) for h in wanted]

    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.0f}"
        return "" if v is None else str(v)

    # the practice groups (long) go first, as the left-aligned column
    order = sorted(range(len(wanted)), key=lambda k: wanted[k] != "practice groups")
    headers = [wanted[k] for k in order]
    body = [
        [(cell(row[index[k]]), None) for k in order] for row in splits.rows[:SPLIT_OPTIONS_SHOWN]
    ]
    widths = [260.0 if h == "practice groups" else 70.0 for h in headers]
    _table(p, top, headers, body, widths, row_h=22)


def _pages(pack: BoardPack) -> list[Callable[[QPainter, float], None]]:
    pages: list[Callable[[QPainter, float], None]] = []
    rows = pack.overview
    chunks = [
        rows[k : k + OVERVIEW_ROWS_PER_PAGE] for k in range(0, len(rows), OVERVIEW_ROWS_PER_PAGE)
    ]
    for n, chunk in enumerate(chunks or [()]):
        pages.append(functools.partial(_overview_rows_page, chunk=chunk, first=n == 0))
    if pack.map is not None:
        pages.append(lambda p, top: _map_page(p, top, pack))
    pages.append(lambda p, top: _run_charts_page(p, top, pack))
    if pack.plan is not None:
        pages.append(lambda p, top: _plan_page(p, top, pack))
    if pack.splits is not None:
        pages.append(lambda p, top: _splits_page(p, top, pack))
    return pages


def draw_page(p: QPainter, pack: BoardPack, index: int) -> None:
    """Page ``index`` (0-based) in A4 logical units."""
    titles = pack.page_titles
    pages = _pages(pack)
    assert len(pages) == len(titles)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    top = _frame(p, pack, titles[index], index + 1, len(titles))
    pages[index](p, top)


def write_pdf(pack: BoardPack, out: str | Path) -> int:
    """Write the pack as a PDF at ``out`` (atomically); returns the number of pages."""
    ensure_gui_application()
    with atomic_write(out) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(96)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
            )
        )
        writer.setTitle(f"Board pack: {pack.label.scenario}")
        writer.setCreator(f"intplan {__version__}")
        painter = QPainter()
        if not painter.begin(writer):
            raise SaveError(str(out), "the PDF could not be started (is the folder writable?)")
        try:
            count = len(pack.page_titles)
            for index in range(count):
                if index:
                    writer.newPage()
                painter.save()
                scale = writer.width() / PAGE_W
                painter.scale(scale, scale)
                draw_page(painter, pack, index)
                painter.restore()
        finally:
            painter.end()
    return count


def page_image(pack: BoardPack, index: int = 0, width: int = 794) -> QImage:
    """One page as an image ``width`` pixels wide (white background)."""
    ensure_gui_application()
    height = round(width * PAGE_H / PAGE_W)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.scale(width / PAGE_W, width / PAGE_W)
    draw_page(painter, pack, index)
    painter.end()
    return image
