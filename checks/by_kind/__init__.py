"""The acknowledgements, one module per group of stack kinds; checks.acknowledgements keys them
by kind and applies them."""
