"""``python -m intplan.cli``: the entry point the Windows build's shortcuts and
``intplan.cmd`` use.

The ``__name__`` guard keeps a spawned worker, which imports this file again as
``__mp_main__`` when it was run by path (frozen apps, launchers), from running intplan
again: with no command that would open the desktop app in every worker.
"""

import sys

if __name__ == "__main__":
    from intplan import _frozen

    _frozen.prepare_process()  # before numba is imported and before anything spawns

    from intplan.cli import main

    sys.exit(main())
