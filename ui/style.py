"""The app's look: a calm, light palette and one style sheet, in one place.

The style sheet dresses windows and panels one by one (``dress``), never the whole app:
with an app-wide sheet Qt styles every widget through its slower style-sheet engine,
which cost the coding window about 40 ms of its start. The coding window's busy centre
(seating chart, palette, event list, timeline) draws its own look instead.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

INK = "#1f2933"
MUTED = "#65717e"
FAINT = "#9aa5b1"
LINE = "#d9dee4"
PANEL = "#f5f7f9"
WINDOW = "#ffffff"
ACCENT = "#2f6690"
ABSENT = "#c8ced5"
SELECT = "#f2b134"
WARNING = "#a34e00"  # needs the person's attention (an interrupted coding); readable on white

# Column headings of a table: set on the header alone in the coding window's event list.
HEADER_SHEET = f"""QHeaderView::section {{
    background: {PANEL}; color: {MUTED}; border: none; border-bottom: 1px solid {LINE};
    padding: 4px 6px; font-weight: 600;
}}"""

STYLE_SHEET = f"""
QDockWidget::title {{ background: {PANEL}; padding: 5px 8px; border-bottom: 1px solid {LINE}; }}
QDockWidget {{ font-weight: 600; }}
{HEADER_SHEET}
QTableView {{ gridline-color: #eef1f4; selection-background-color: #dcebf7;
    selection-color: {INK}; border: none; }}
QTreeWidget {{ border: 1px solid {LINE}; border-radius: 4px; }}
QTreeWidget::item {{ padding: 5px 2px; }}
QTreeWidget::item:selected {{ background: #cfe3f3; color: {INK}; }}
QPushButton {{ padding: 5px 12px; border: 1px solid #c3cad2; border-radius: 4px;
    background: #fbfcfd; color: {INK}; }}
QPushButton:hover {{ background: #eef3f7; }}
QPushButton:default {{ border-color: {ACCENT}; }}
QPushButton:disabled {{ color: {FAINT}; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border-color: {ACCENT}; }}
QPushButton#primary:hover {{ background: #285a7e; }}
QFrame#header {{ background: {PANEL}; border-bottom: 1px solid {LINE}; }}
QFrame#resumeBar {{ background: #fff6e0; border-bottom: 1px solid #ecd9a6; }}
QLabel#clock {{ color: {INK}; }}
QLabel#muted {{ color: {MUTED}; }}
QLabel#sectionTitle {{ color: {MUTED}; font-weight: 600; }}
QStatusBar {{ color: {MUTED}; }}
QSplitter::handle {{ background: {LINE}; }}
"""


def apply(app: QApplication) -> None:
    """Set the app-wide font size and palette (tooltips included); no style sheet."""
    font = app.font()
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    app.setFont(font)
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f7f8fa"))
    palette.setColor(QPalette.ColorRole.Base, QColor(WINDOW))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f8f9fb"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#cfe3f3"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(INK))
    palette.setColor(QPalette.ColorRole.Text, QColor(INK))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(INK))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#fffef5"))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor(INK))
    app.setPalette(palette)
    QToolTip.setPalette(palette)


def dress(widget: QWidget) -> None:
    """Give a window or panel, and everything in it, the app's style sheet."""
    widget.setStyleSheet(STYLE_SHEET)


def set_ink(widget: QWidget, colour: str) -> None:
    """Text colour without a style sheet (for the coding window's quick-to-build parts)."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    widget.setPalette(palette)


def mono_font(point_size: float) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(point_size)
    return font


def readable_on(colour: str) -> QColor:
    """Black or white, whichever reads better on a background colour."""
    c = QColor(colour)
    luminance = 0.299 * c.redF() + 0.587 * c.greenF() + 0.114 * c.blueF()
    return QColor("#111111") if luminance > 0.6 else QColor("#ffffff")
