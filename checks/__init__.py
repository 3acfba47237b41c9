"""The synth-time gate: every nag pack registered on the app, and the reviewed exceptions."""
