"""The CloudWatch Logs filter-pattern evaluator now lives in ``configuration.filter_pattern``
(the configuration validates custom alarms' patterns with its parser); re-exported here so
tests that import it from tests keep working."""

from configuration.filter_pattern import PatternError, compile_pattern, matches

__all__ = ["PatternError", "compile_pattern", "matches"]
