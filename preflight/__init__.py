"""Read-only checks, before `cdk deploy`, of what would make a deployment fail halfway
(DPP-VER-1): `make preflight CONTEXT=...` (needs read-only credentials; changes nothing)."""
