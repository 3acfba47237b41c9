"""A tiny evaluator of the CloudWatch metric math the business-hours alarm uses: IF(cond, a, b)
with DAY(m1), HOUR(m1), integer comparisons and AND / OR, as documented at
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
(DAY: 1 = Monday ... 7 = Sunday, UTC; HOUR: 0-23, UTC; AND binds tighter than OR)."""

from __future__ import annotations

import re
from datetime import datetime

TOKEN = re.compile(r"\s*(IF|DAY\(m1\)|HOUR\(m1\)|m1|AND|OR|==|>=|<=|!=|<|>|\(|\)|,|\d+)")


def evaluate(expression: str, at: datetime, m1: float) -> float:
    """The expression's value for one datapoint of ``m1`` at the UTC time ``at``."""
    tokens = TOKEN.findall(expression)
    assert "".join(tokens).replace(" ", "") == expression.replace(" ", ""), "unsupported syntax"
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take(expected=None):
        nonlocal pos
        token = tokens[pos]
        assert expected is None or token == expected, (token, expected)
        pos += 1
        return token

    def value():
        token = take()
        if token == "IF":
            take("(")
            condition = disjunction()
            take(",")
            yes = value_expr()
            take(",")
            no = value_expr()
            take(")")
            return yes if condition else no
        if token == "DAY(m1)":
            return at.isoweekday()
        if token == "HOUR(m1)":
            return at.hour
        if token == "m1":
            return m1
        if token == "(":
            inner = disjunction()
            take(")")
            return inner
        return int(token)

    def value_expr():
        return value()

    def comparison():
        left = value()
        if peek() in ("==", ">=", "<=", "!=", "<", ">"):
            op, right = take(), value()
            return {"==": left == right, ">=": left >= right, "<=": left <= right, "!=": left != right, "<": left < right, ">": left > right}[op]
        return left

    def conjunction():
        result = comparison()
        while peek() == "AND":
            take()
            right = comparison()
            result = bool(result) and bool(right)
        return result

    def disjunction():
        result = conjunction()
        while peek() == "OR":
            take()
            right = conjunction()
            result = bool(result) or bool(right)
        return result

    out = value_expr()
    assert pos == len(tokens)
    return out
