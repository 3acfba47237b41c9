"""Byte-code caches never reach a function's asset nor its hash (capabilities.foundation.lambda_code):
a handler compiled by a test run would otherwise redeploy the function with a new S3 key."""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_lambda as lambda_

from capabilities.foundation.lambda_code import source_code


def _asset_hash(folder) -> str:
    stack = Stack(App(), "S")
    function = lambda_.Function(stack, "F", runtime=lambda_.Runtime.PYTHON_3_12, handler="handler.handler", code=source_code(folder))
    cfn: lambda_.CfnFunction = function.node.default_child  # type: ignore[assignment]
    return str(stack.resolve(cfn.code)["s3Key"])


def test_byte_code_leaves_the_asset_hash_unchanged(tmp_path):
    (tmp_path / "handler.py").write_text("def handler(event, context):\n    return None\n")
    clean = _asset_hash(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\x00compiled")
    (tmp_path / "stray.pyc").write_bytes(b"\x00compiled")
    assert _asset_hash(tmp_path) == clean
    (tmp_path / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    assert _asset_hash(tmp_path) != clean, "a change to the code itself still changes the hash"
