"""Evidence for reviewers (DPP-VER-2): the compliance report, built from the synthesized cloud
assembly and the nag report, so it shows what will be deployed, not what was intended."""
