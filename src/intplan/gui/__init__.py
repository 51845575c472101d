"""The desktop application (PySide6 + pyqtgraph): the only package that imports Qt."""

import os

# pyqtgraph picks a Qt binding on import; make sure it is the one intplan ships with.
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from intplan.gui._pyside_fix import make_singletons_immortal  # must run before Qt use

make_singletons_immortal()
