"""One package per capability: the constructs that deploy it (and, where it has one, its
runtime code). Stacks in ``stacks/`` only compose these."""
