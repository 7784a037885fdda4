"""`python -m bench`: every benchmark in one table (bench/run.py)."""

import sys

from bench.run import main

sys.exit(main())
