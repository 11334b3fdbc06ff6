import sys

from tlf.cli import main

sys.exit(main())
