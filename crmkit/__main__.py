"""``python -m crmkit`` is the ``crmkit`` command."""

import sys

from .reporting.cli import main

sys.exit(main())
