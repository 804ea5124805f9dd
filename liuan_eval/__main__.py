"""``python -m liuan_eval`` is the same as the ``liuan-eval`` command."""
from liuan_eval.cli import main

if __name__ == "__main__":  # not when a worker process (multiprocessing's spawn) imports it
    raise SystemExit(main())
