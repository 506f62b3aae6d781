"""Allow ``python -m gridmap``."""

import sys

from gridmap.cli import main

sys.exit(main())
