"""The sub-commands of ``liuan-eval``: each module's arguments and handler.

One module per command family, each defining ``configure(parser)`` (adds its arguments)
and ``run(args) -> int`` (does the work, returns the exit status), or
``configure_<command>``/``run_<command>`` when it holds several commands
(:mod:`liuan_eval.commands.text`). :data:`liuan_eval.cli.COMMANDS` names the module of each
command; the code they drive stays in its own module (``sample_data``, ``io``, ``preflight``,
``templates``, ``scoring``, ``text``, ``report``).
"""
