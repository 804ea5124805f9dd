"""``python -m liuan_eval`` is the same as the ``liuan-eval`` command."""
from liuan_eval.cli import main

raise SystemExit(main())
