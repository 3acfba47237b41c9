"""The one error type that bad configuration raises."""


class ConfigError(ValueError):
    """A configuration mistake, phrased as one line: the offending key, what is wrong, the fix.

    ``app.py`` prints it without a traceback and exits non-zero, before any stack exists, so a
    bad configuration never produces a half-built cloud assembly.
    """

    def __init__(self, key: str, problem: str, fix: str) -> None:
        self.key = key
        self.problem = problem
        self.fix = fix
        super().__init__(f"configuration error: {key}: {problem}; {fix}")
