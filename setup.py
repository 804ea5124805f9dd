"""Build step kept out of pyproject.toml: the report notebooks travel inside the wheel.

The notebooks live in ``notebooks/`` (where an analyst opens them in JupyterLab); a wheel
install has no source tree, so the build copies them to ``liuan_eval/report/notebooks/``,
where :data:`liuan_eval.report.pipeline.NOTEBOOK` looks when the source tree is absent.
Everything else is declared in ``pyproject.toml``.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithNotebooks(build_py):
    """``build_py`` that also copies ``notebooks/reports/*.ipynb`` into the built package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install reads the source tree
            return
        target = Path(self.build_lib) / "liuan_eval" / "report" / "notebooks"
        target.mkdir(parents=True, exist_ok=True)
        for notebook in sorted((HERE / "notebooks" / "reports").glob("*.ipynb")):
            shutil.copyfile(notebook, target / notebook.name)


setup(cmdclass={"build_py": BuildPyWithNotebooks})
