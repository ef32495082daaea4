"""``python -m sim`` works like the ``ceasefire`` command."""

import sys

from sim.cli import main

sys.exit(main())
