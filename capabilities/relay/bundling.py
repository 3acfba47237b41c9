"""Lambda code bundled locally, without Docker: the function's own source plus pure-Python
packages copied from the pinned virtualenv the app runs in (no network at synth), plus modules
shared between functions (``lambdas/shared``), copied as files into the bundle's root."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

SHARED = Path(__file__).resolve().parents[2] / "lambdas" / "shared"
# The drill marks: the relay marks drills and the responder ignores them by this one module.
DRILL_MARKS = SHARED / "drill_marks.py"
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.so", "*.c", "*.pyi", "tests")


def _package_path(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{name} is not installed in this virtualenv; run `make synth` to install the pinned requirements")
    origin = Path(spec.origin)
    return origin.parent if origin.name == "__init__.py" else origin


@jsii.implements(ILocalBundling)
class _CopyWithPackages:
    def __init__(self, source: Path, packages: tuple[str, ...], shared: tuple[Path, ...]) -> None:
        self.source = source
        self.packages = packages
        self.shared = shared

    def try_bundle(self, output_dir: str, *args, **kwargs) -> bool:
        out = Path(output_dir)
        shutil.copytree(self.source, out, dirs_exist_ok=True, ignore=_SKIP)
        for name in self.packages:
            path = _package_path(name)
            if path.is_dir():
                # Compiled extensions are left out: they were built for this machine, not for
                # Lambda; the packages chosen here fall back to pure Python without them.
                shutil.copytree(path, out / path.name, dirs_exist_ok=True, ignore=_SKIP)
            else:
                shutil.copy2(path, out / path.name)
        for module in self.shared:
            shutil.copyfile(module, out / module.name)  # the very bytes, in every bundle that shares it
        return True


def bundled_code(source: Path, packages: tuple[str, ...], shared: tuple[Path, ...] = ()) -> lambda_.Code:
    return lambda_.Code.from_asset(
        str(source),
        bundling=BundlingOptions(
            # Never pulled: local bundling always succeeds, and Docker is not used.
            image=DockerImage.from_registry("unused-local-bundling-only"),
            local=_CopyWithPackages(source, packages, shared),
        ),
        # The source hash would miss a change to a shared module (it lives outside ``source``):
        # hash what is deployed instead.
        asset_hash_type=AssetHashType.OUTPUT if shared else AssetHashType.SOURCE,
    )
