"""The functions' code asset, staged without Docker: the handlers, dpp_logging, and the
Powertools release the project pins (pure Python, copied from the installed distribution)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import aws_lambda_powertools
import jmespath
import typing_extensions

import dpp_logging

HANDLERS = Path(__file__).parent / "functions"
_staged: Path | None = None


def function_code_dir() -> Path:
    """A directory holding everything the functions import (boto3 comes with the runtime), staged
    once per process; CDK hashes its content, so the asset is the same on every synth."""
    global _staged
    if _staged is None:
        root = Path(tempfile.mkdtemp(prefix="dpp-example-code-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)  # synth copies the asset into cdk.out
        for handler in HANDLERS.glob("*.py"):
            shutil.copy2(handler, root / handler.name)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for package in (dpp_logging, aws_lambda_powertools, jmespath):
            source = Path(package.__file__).parent
            shutil.copytree(source, root / source.name, ignore=ignore)
        shutil.copy2(typing_extensions.__file__, root / "typing_extensions.py")
        _staged = root
    return _staged
