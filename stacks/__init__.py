"""Stacks only compose capability constructs; ``stacks.topology`` decides which exist where."""
