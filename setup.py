"""Build hook: the wheel carries the app's templates, static files, translations and
migrations inside the package (``community/templates`` …), since an installed app has
no checkout around it. In the checkout they stay at the top level, where
``community.asset_dir`` finds them; everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ASSETS = ("templates", "static", "translations", "migrations")


class BuildWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        here = Path(__file__).resolve().parent
        for name in ASSETS:
            target = Path(self.build_lib) / "community" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(
                here / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )


setup(cmdclass={"build_py": BuildWithAssets})
