"""``python -m atlas.cli``: the ``atlas`` command."""

import os
import sys

from atlas.cli import main
from atlas.cli.console import left_to_exit

code = main()
if left_to_exit():
    # The command's output is written and nothing else is open: end without freeing its data
    # object by object (atlas.cli.console.leave_to_exit).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
