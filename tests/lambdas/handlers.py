"""A function's handler imported from its source folder, as Lambda runs it (the folders under
lambdas/ are not packages of the app)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

LAMBDAS = Path(__file__).resolve().parents[2] / "lambdas"


def load_handler(package: str, module_name: str | None = None) -> ModuleType:
    """``lambdas/<package>/handler.py`` as the module ``module_name`` (default: the package's
    name), registered in ``sys.modules`` because dataclasses look their module up there."""
    spec = importlib.util.spec_from_file_location(module_name or package, LAMBDAS / package / "handler.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
