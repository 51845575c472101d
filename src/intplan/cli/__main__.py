import sys

from intplan.cli import main

sys.exit(main())
