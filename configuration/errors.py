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
        # One line whatever the input held: control characters (a newline in a key) are escaped.
        line = f"configuration error: {key}: {problem}; {fix}"
        super().__init__("".join(c if c.isprintable() else repr(c)[1:-1] for c in line))
