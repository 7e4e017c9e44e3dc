"""``python -m crmkit`` is the ``crmkit`` command."""

import sys

from .cli import main

sys.exit(main())
