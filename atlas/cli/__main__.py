"""``python -m atlas.cli``: the ``atlas`` command."""

import sys

from atlas.cli import main

sys.exit(main())
